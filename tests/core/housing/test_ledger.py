"""공동주택 대장: the rules, permissions and versions of the ledger's changes, as core decides them."""

import asyncio
from datetime import date

import pytest
from sqlalchemy import select, update

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.housing.fields import parse
from core.housing.ledger import ChangedMeanwhile, NeedsConfirmation
from core.housing.values import LedgerWrite
from storage.audit.models import AuditEntry
from storage.reference.models import SupportCriterion
from tests.builders import grant, make_complex, make_dong, make_staff

WRITER = ("housing.read", "housing.write", "pii.view")


def test_typed_values_become_the_fields_values():
    for typed in ("2016.03.14", "2016-03-14", "20160314", "2016/3/14"):
        assert parse("representative", "term_start", typed) == date(2016, 3, 14)
    assert parse("representative", "phone", "01012345678") == "010-1234-5678"
    assert parse("project", "amount", "1,590") == 1590
    assert parse("complex", "households_by_area", "0 0 171 171 0") == (0, 0, 171, 171, 0)
    for record, name, typed, code in (
        ("representative", "term_start", "2016.13.01", "ledger_date"),
        ("representative", "term_start", "어제", "ledger_date"),
        ("representative", "phone", "12", "ledger_phone"),
        ("project", "amount", "-5", "ledger_amount"),
        ("project", "amount", "1.5", "ledger_amount"),
        ("complex", "households_by_area", "1 2 3", "ledger_bands"),
        ("representative", "name", "가" * 51, "ledger_too_long"),
        ("representative", "gender", "X", "ledger_choice"),
        ("representative", "name", "   ", "ledger_empty"),
    ):
        with pytest.raises(InvalidInput) as refused:
            parse(record, name, typed)
        assert refused.value.code == code, typed


async def test_a_representative_is_added_edited_and_removed_with_old_and_new_values_audited(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    member = await make_staff(services, roles=WRITER)
    added = await services.ledger.add(
        member, complex_id, "representative", {"position": "감사", "name": "박감사", "phone": "010-2222-3333"}
    )
    assert added.version == 1 and added.updated_by == "홍길동"
    edited = await services.ledger.edit(
        member, complex_id, "representative", added.id, 1, {"term_start": date(2024, 3, 14), "name": "박감사님"}
    )
    assert edited.version == 2 and edited.values["name"] == "박감사님"
    await services.ledger.remove(member, complex_id, "representative", added.id, 2)
    ledger = await services.ledger.open(member, complex_id)
    assert [r.values["name"] for r in ledger.representatives] == ["김대표1"]
    async with uow_factory() as uow:
        entries = (
            await uow._session.execute(
                select(AuditEntry.action, AuditEntry.details)
                .where(AuditEntry.action.like("housing.%"))
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [a for a, _ in entries] == [
        "housing.representative.add",
        "housing.representative.edit",
        "housing.representative.remove",
    ]
    assert entries[1][1] == {
        "record_id": added.id,
        "changes": {"term_start": [None, "2024-03-14"], "name": ["박감사", "박감사님"]},
    }
    assert entries[2][1]["changes"]["name"] == ["박감사님", None]


async def test_a_term_ending_before_it_starts_and_reversed_floors_are_refused(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    member = await make_staff(services, roles=WRITER)
    ledger = await services.ledger.open(member, complex_id)
    rep = ledger.representatives[0]
    with pytest.raises(InvalidInput) as refused:
        await services.ledger.edit(
            member, complex_id, "representative", rep.id, rep.version, {"term_end": date(2016, 3, 13)}
        )
    assert refused.value.code == "term_reversed"
    with pytest.raises(InvalidInput) as refused:
        await services.ledger.edit(
            member, complex_id, "complex", complex_id, ledger.complex.version, {"floors_min": 30}
        )
    assert refused.value.code == "floors_reversed"


async def test_area_bands_that_do_not_add_up_are_saved_only_once_confirmed(services, uow_factory):
    complex_id = await make_complex(uow_factory, households=342)
    member = await make_staff(services, roles=WRITER)
    version = (await services.ledger.open(member, complex_id)).complex.version
    bands = {"households_by_area": (0, 0, 100, 100, 0)}
    with pytest.raises(NeedsConfirmation) as warned:
        await services.ledger.edit(member, complex_id, "complex", complex_id, version, bands)
    assert warned.value.warning == "area_bands_mismatch"
    saved = await services.ledger.edit(
        member, complex_id, "complex", complex_id, version, bands, confirmed={"area_bands_mismatch"}
    )
    assert saved.values["households_by_area"] == (0, 0, 100, 100, 0) and saved.version == version + 1


async def test_a_project_above_its_criterion_is_refused_or_warned_as_the_criterion_says(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    member = await make_staff(services, roles=WRITER)
    async with uow_factory(write=True) as uow:
        uow._session.add(SupportCriterion(name="공동체활성화", max_amount=2000, sort_order=1))
        await uow.commit()
    project = {"kind": "공동체활성화", "name": "꽃길", "amount": 2500}
    with pytest.raises(InvalidInput) as refused:
        await services.ledger.add(member, complex_id, "project", project)
    assert refused.value.code == "ledger_over_criterion"
    async with uow_factory(write=True) as uow:
        await uow._session.execute(update(SupportCriterion).values(enforcement="warn"))
        await uow.commit()
    with pytest.raises(NeedsConfirmation):
        await services.ledger.add(member, complex_id, "project", project)
    saved = await services.ledger.add(member, complex_id, "project", project, confirmed={"over_criterion"})
    assert saved.values["amount"] == 2500
    with pytest.raises(InvalidInput) as refused:
        await services.ledger.edit(member, complex_id, "project", saved.id, 1, {"returned_amount": 2600})
    assert refused.value.code == "returned_exceeds_amount"


async def test_a_new_manager_moves_the_previous_one_into_the_history(services, uow_factory):
    complex_id = await make_complex(uow_factory, with_office=True)
    member = await make_staff(services, roles=WRITER)
    office = (await services.ledger.open(member, complex_id)).office
    assert office is not None
    saved = await services.ledger.edit(
        member, complex_id, "office", office.id, office.version, {"manager_name": "최소장"}
    )
    assert saved.values["manager_name"] == "최소장" and saved.values["manager_mobile"] is None
    assert saved.values["phone"] == "02-2292-1234"  # the office's own phone stays
    [former] = await services.ledger.former_managers(member, complex_id)
    assert (former.name, former.mobile, former.license_no) == ("이정호", "010-2345-5678", "2012-7166")


async def test_only_housing_write_for_the_complexs_dong_may_change_it(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    other_dong = await make_dong(uow_factory, "성수1가제1동", "성수1")
    reader = await make_staff(services, saeol_id="reader1", roles=("housing.read",))
    with pytest.raises(PermissionDenied):
        await services.ledger.open(reader, complex_id)
    scoped = await make_staff(services, saeol_id="scoped1", roles=WRITER)
    scoped = await grant(uow_factory, scoped, "housing.write", dongs=(other_dong,))
    with pytest.raises(PermissionDenied):
        await services.ledger.add(scoped, complex_id, "representative", {"position": "감사", "name": "박"})
    with pytest.raises(PermissionDenied):
        await services.ledger.edit(scoped, complex_id, "complex", complex_id, 1, {"name": "다른이름"})


async def test_without_pii_view_the_ledger_is_masked(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    member = await make_staff(services, roles=("housing.read", "housing.write"))
    rep = (await services.ledger.open(member, complex_id)).representatives[0]
    assert rep.masked and rep.values["phone"] == "010-****-5000" and rep.values["birth_date"] == 1960


async def test_two_concurrent_saves_of_the_same_version_one_wins_the_other_is_told_who(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    first = await make_staff(services, saeol_id="first1", name="김첫째", roles=WRITER)
    second = await make_staff(services, saeol_id="second1", name="이둘째", roles=WRITER)
    rep = (await services.ledger.open(first, complex_id)).representatives[0]

    async def save(member, name):
        return await services.ledger.edit(member, complex_id, "representative", rep.id, rep.version, {"name": name})

    results = await asyncio.gather(save(first, "가"), save(second, "나"), return_exceptions=True)
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], ChangedMeanwhile)
    assert lost[0].current is not None and lost[0].current.version == rep.version + 1
    assert lost[0].params["name"] == won[0].updated_by
    # Applied again on top of the version it now stands at, the change is saved.
    again = await services.ledger.edit(
        second, complex_id, "representative", rep.id, lost[0].current.version, {"name": "다시"}
    )
    assert again.version == rep.version + 2


async def test_a_removal_on_an_old_version_or_of_a_missing_record_is_refused(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    member = await make_staff(services, roles=WRITER)
    rep = (await services.ledger.open(member, complex_id)).representatives[0]
    await services.ledger.edit(member, complex_id, "representative", rep.id, rep.version, {"name": "새이름"})
    with pytest.raises(ChangedMeanwhile) as stale:
        await services.ledger.remove(member, complex_id, "representative", rep.id, rep.version)
    assert stale.value.code == "ledger_changed_meanwhile" and stale.value.params["name"] == "홍길동"
    await services.ledger.remove(member, complex_id, "representative", rep.id, rep.version + 1)
    with pytest.raises(ChangedMeanwhile) as gone:
        await services.ledger.remove(member, complex_id, "representative", rep.id, rep.version + 1)
    assert gone.value.code == "ledger_removed_meanwhile" and gone.value.current is None
    with pytest.raises(NotFound):
        await services.ledger.open(member, complex_id + 999)
    with pytest.raises(InvalidInput) as unknown:
        await services.ledger.add(member, complex_id, "complex", {"name": "새 단지"})
    assert unknown.value.code == "ledger_unknown_record"


async def test_a_representative_of_another_complex_cannot_be_changed_through_this_one(services, uow_factory):
    first = await make_complex(uow_factory, representatives=1)
    second = await make_complex(uow_factory, name="옥수하이츠", representatives=1)
    member = await make_staff(services, roles=WRITER)
    theirs = (await services.ledger.open(member, second)).representatives[0]
    with pytest.raises(ChangedMeanwhile):
        await services.ledger.edit(member, first, "representative", theirs.id, theirs.version, {"name": "가로채기"})
    assert (await services.ledger.open(member, second)).representatives[0].values["name"] == "김대표1"


async def test_a_position_not_on_the_admins_list_is_refused(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    member = await make_staff(services, roles=WRITER)
    with pytest.raises(InvalidInput) as refused:
        await services.ledger.add(member, complex_id, "representative", {"position": "대장", "name": "김"})
    assert refused.value.code == "ledger_unknown_position"
    assert "감사" in await services.ledger.choices(member, complex_id, "representative", "position")


async def test_a_record_shown_whole_is_masked_without_pii_view_and_audited_with_it(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    viewer = await make_staff(services, saeol_id="viewer1", roles=WRITER)
    writer = await make_staff(services, saeol_id="writer9", roles=("housing.read", "housing.write"))
    rep = (await services.ledger.open(viewer, complex_id)).representatives[0]
    assert rep.masked  # a list names records; it shows no one's phone
    whole = await services.ledger.record(viewer, complex_id, "representative", rep.id)
    assert whole.values["phone"] == "010-1234-5000" and not whole.masked
    masked = await services.ledger.record(writer, complex_id, "representative", rep.id)
    assert masked.values["phone"] == "010-****-5000" and masked.values["birth_date"] == 1960
    await services.ledger.edit(viewer, complex_id, "representative", rep.id, rep.version, {"name": "바뀐이름"})
    with pytest.raises(ChangedMeanwhile) as stale:  # the current values it carries are masked for this reader
        await services.ledger.edit(writer, complex_id, "representative", rep.id, rep.version, {"name": "늦은이름"})
    assert stale.value.current is not None and stale.value.current.values["phone"] == "010-****-5000"
    async with uow_factory() as uow:
        views = list(
            await uow._session.scalars(select(AuditEntry.actor_staff_id).where(AuditEntry.action == "pii.view"))
        )
    assert views == [viewer.id]


async def test_moving_a_complex_to_another_dong_needs_that_dong_too_and_kapt_codes_stay_unique(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    other = await make_complex(uow_factory, name="옥수하이츠", dong="옥수동", dong_short="옥수")
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    member = await make_staff(services, roles=WRITER)
    wangdo = (await services.ledger.open(member, complex_id)).admin_dong_id
    member = await grant(uow_factory, member, "housing.write", dongs=(wangdo,))
    assert await services.ledger.choices(member, complex_id, "complex", "admin_dong") == ("왕십리도선동",)
    with pytest.raises(InvalidInput) as refused:
        await services.ledger.edit(member, complex_id, "complex", complex_id, 1, {"admin_dong": "성수1가제1동"})
    assert refused.value.code == "ledger_unknown_dong"
    member = await grant(uow_factory, member, "housing.write", dongs=(wangdo, seongsu))
    moved = await services.ledger.edit(member, complex_id, "complex", complex_id, 1, {"admin_dong": "성수1가제1동"})
    assert moved.values["admin_dong"] == "성수1가제1동"
    unscoped = await make_staff(services, saeol_id="district2", roles=WRITER)
    await services.ledger.edit(unscoped, other, "complex", other, 1, {"kapt_code": "A13306001"})
    with pytest.raises(InvalidInput) as taken:
        await services.ledger.edit(unscoped, complex_id, "complex", complex_id, 2, {"kapt_code": "A13306001"})
    assert taken.value.code == "ledger_kapt_code_taken"


async def test_a_save_racing_an_uncommitted_one_is_refused_once_that_one_commits(services, uow_factory, clock):
    """The version is checked in the UPDATE itself: a save that read the record before another transaction
    committed its change finds the row moved on, and writes nothing."""
    complex_id = await make_complex(uow_factory, representatives=1)
    first = await make_staff(services, saeol_id="first2", name="김먼저", roles=WRITER)
    second = await make_staff(services, saeol_id="second2", name="이나중", roles=WRITER)
    rep = (await services.ledger.open(first, complex_id)).representatives[0]
    async with uow_factory(write=True) as uow:
        change = LedgerWrite(record="representative", values={"name": "먼저"}, at=clock.now(), by=first.id)
        assert await uow.ledger.change(complex_id, rep.id, rep.version, change)
        racing = asyncio.create_task(
            services.ledger.edit(second, complex_id, "representative", rep.id, rep.version, {"name": "나중"})
        )
        await asyncio.sleep(0.3)
        assert not racing.done()  # held until the first transaction ends
        await uow.commit()
    with pytest.raises(ChangedMeanwhile) as lost:
        await racing
    assert lost.value.params["name"] == "김먼저"
    assert (await services.ledger.record(first, complex_id, "representative", rep.id)).values["name"] == "먼저"


async def test_an_other_groups_members_list_is_kept_and_masked_like_any_personal_data(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    officer = await make_staff(services, saeol_id="officer1", roles=WRITER)
    colleague = await make_staff(services, saeol_id="colleague", roles=("housing.read", "housing.write"))
    group = await services.ledger.add(
        officer,
        complex_id,
        "group",
        {"kind": "other", "name": "노인회", "members": parse("group", "members", "김순자\n이영호, 박철")},
    )
    assert (await services.ledger.record(officer, complex_id, "group", group.id)).values["members"] == (
        "김순자\n이영호, 박철"
    )
    assert (await services.ledger.record(colleague, complex_id, "group", group.id)).values["members"] == (
        "김*자, 이*호, 박*"
    )
    card = await services.housing.get_complex_card(colleague, complex_id)
    assert card.personal_data_masked and card.groups[0].members == "김*자, 이*호, 박*"
    with pytest.raises(InvalidInput) as refused:
        parse("group", "members", "가" * 1001)
    assert refused.value.code == "ledger_too_long"
