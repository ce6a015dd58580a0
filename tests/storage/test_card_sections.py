"""The card's sections come in one statement, as JSON arrays (storage.housing.card_sections): the values read
back are the rows as written, dates as dates, in the card's order on both engines."""

from datetime import date

from sqlalchemy import select

from storage.housing.models import Representative, SupportProject
from storage.reference.models import Position
from tests.builders import make_complex


async def _sections(uow_factory, complex_id):
    async with uow_factory() as uow:
        return await uow.housing.load_complex_sections(complex_id)


async def test_a_complex_with_nothing_but_its_head_has_empty_sections(uow_factory):
    complex_id = await make_complex(uow_factory)

    sections = await _sections(uow_factory, complex_id)

    assert sections.office is None
    assert (sections.representatives, sections.groups, sections.projects, sections.community_grants) == ((),) * 4
    assert (sections.photo_count, sections.open_complaints) == (0, 0)


async def test_every_section_reads_back_as_written_in_the_cards_order(uow_factory):
    complex_id = await make_complex(uow_factory, representatives=3, groups=2, with_office=True)
    async with uow_factory(write=True) as uow:
        session = uow._session
        first_position = await session.scalar(select(Position.id).order_by(Position.sort_order).limit(1))
        dong_id = await session.scalar(select(Representative.admin_dong_id).limit(1))
        session.add(
            Representative(complex_id=complex_id, admin_dong_id=dong_id, position_id=first_position, name="새회장")
        )
        for name, start in (("오래된", date(2014, 5, 1)), ("날짜없음", None), ("최근", date(2016, 3, 28))):
            session.add(
                SupportProject(complex_id=complex_id, kind="공동체활성화", name=name, period_start=start, amount=100)
            )
        await uow.commit()

    sections = await _sections(uow_factory, complex_id)

    office = sections.office
    assert office.manager_name == "이정호" and office.manager_mobile == "010-2345-5678"
    assert (office.manager_birth_date, office.manager_assigned_on) == (date(1965, 3, 2), date(2013, 4, 23))
    # By position, then as registered: the later 회장 follows the first one, before the other positions.
    assert [r.name for r in sections.representatives] == ["김대표1", "새회장", "김대표2", "김대표3"]
    first = sections.representatives[0]
    assert (first.birth_date, first.term_start, first.term_end) == (
        date(1960, 1, 15),
        date(2016, 3, 14),
        date(2018, 3, 13),
    )
    assert first.phone == "010-1234-5000" and first.gender == "M" and first.building_unit == "101동 101호"
    assert [(g.name, g.member_count, g.formed_on) for g in sections.groups] == [
        ("사랑회1", 10, date(2016, 4, 29)),
        ("사랑회2", 11, date(2016, 4, 29)),
    ]
    assert [(p.name, p.period_start) for p in sections.projects] == [
        ("최근", date(2016, 3, 28)),
        ("오래된", date(2014, 5, 1)),
        ("날짜없음", None),
    ]
    assert all(p.amount == 100 and p.returned_amount == 0 for p in sections.projects)
