"""A search by part of a complex's name goes through the name's pieces (``complex_name_gram``, 0021): the
triggers keep the pieces whatever writes the name, and the result is the same as reading every name."""

from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from storage.housing.models import Complex, ComplexNameGram
from storage.housing.name_search import pieces_of
from storage.migrate import downgrade, upgrade
from storage.search_keys import name_key
from tests.builders import make_complex, make_dong


async def _pieces(uow_factory, complex_id: int) -> set[str]:
    async with uow_factory() as uow:
        found = await uow._session.scalars(select(ComplexNameGram.gram).where(ComplexNameGram.complex_id == complex_id))
        return set(found)


async def _found(uow_factory, fragment: str) -> list[str]:
    async with uow_factory() as uow:
        items, total = await uow.housing.find_complexes_by_name(fragment, offset=0, limit=50)
    assert total == len(items)
    return [item.name for item in items]


def _expected_pieces(name: str) -> set[str]:
    key = name_key(name)
    return {key[i : i + w] for w in (1, 2, 3) for i in range(len(key) - w + 1)}


async def test_a_complex_holds_every_piece_of_its_name_from_the_moment_it_is_written(uow_factory):
    complex_id = await make_complex(uow_factory, name="옥수 하이츠")

    assert await _pieces(uow_factory, complex_id) == _expected_pieces("옥수 하이츠")


async def test_renaming_a_complex_replaces_its_pieces_and_deleting_it_removes_them(uow_factory):
    complex_id = await make_complex(uow_factory, name="금호 대우")
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(Complex).where(Complex.id == complex_id).values(name="금호 푸르지오", name_key="금호푸르지오")
        )
        await uow.commit()
    assert await _pieces(uow_factory, complex_id) == _expected_pieces("금호푸르지오")
    assert await _found(uow_factory, "대우") == []
    assert await _found(uow_factory, "푸르") == ["금호 푸르지오"]

    async with uow_factory(write=True) as uow:
        await uow._session.execute(delete(Complex).where(Complex.id == complex_id))
        await uow.commit()
    assert await _pieces(uow_factory, complex_id) == set()


async def test_any_part_of_a_name_finds_it_spacing_and_case_aside(uow_factory):
    await make_complex(uow_factory, name="서울숲 푸르지오 2차")
    await make_complex(uow_factory, name="e편한세상 옥수 파크힐스")
    await make_complex(uow_factory, name="성수 SK V1 (100%)")

    assert await _found(uow_factory, "숲") == ["서울숲 푸르지오 2차"]
    assert await _found(uow_factory, "푸르") == ["서울숲 푸르지오 2차"]
    assert await _found(uow_factory, "숲 푸르지오2") == ["서울숲 푸르지오 2차"]
    assert await _found(uow_factory, "E편한세상옥수파크힐스") == ["e편한세상 옥수 파크힐스"]
    assert await _found(uow_factory, "sk v") == ["성수 SK V1 (100%)"]
    assert await _found(uow_factory, "0%)") == ["성수 SK V1 (100%)"]
    assert await _found(uow_factory, "%") == ["성수 SK V1 (100%)"]  # a wildcard is a letter like any other
    assert await _found(uow_factory, "_") == []
    assert sorted(await _found(uow_factory, "세")) == ["e편한세상 옥수 파크힐스"]


async def test_a_name_holding_every_piece_apart_is_not_taken_for_the_fragment(uow_factory):
    """가나다나가's pieces 가나다, 나다나, 다나가 all stand in 가나다나X다나가, but the fragment does not."""
    await make_complex(uow_factory, name="가나다나X다나가")
    await make_complex(uow_factory, name="새 가나다나가 빌라")

    assert set(pieces_of("가나다나가")) == {"가나다", "나다나", "다나가"}
    assert await _found(uow_factory, "가나다나가") == ["새 가나다나가 빌라"]


async def test_complexes_written_before_the_migration_are_found_after_it(engine, uow_factory):
    dong_id = await make_dong(uow_factory, "응봉동", "응봉")
    await downgrade(engine, "0020")
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            Complex.__table__.insert().values(
                name="응봉 대림강변",
                name_key="응봉대림강변",
                kind="apartment",
                admin_dong_id=dong_id,
                address="응봉동 265",
                building_count=1,
                household_count=100,
                updated_at=datetime(2026, 12, 5, tzinfo=UTC),
                version=1,
            )
        )
        await uow.commit()

    await upgrade(engine)

    assert await _found(uow_factory, "대림") == ["응봉 대림강변"]
    assert await _found(uow_factory, "응봉대림강") == ["응봉 대림강변"]


def test_a_long_fragment_is_looked_up_by_at_most_four_pieces_its_first_and_last_among_them():
    pieces = pieces_of("래미안옥수리버젠아파트")
    assert len(pieces) == 4
    assert pieces[0] == "래미안" and pieces[-1] == "아파트"
    assert pieces_of("옥수") == ["옥수"] and pieces_of("옥수리버") == ["옥수리", "수리버"]


async def test_a_reader_scoped_to_dongs_finds_only_theirs_and_a_page_past_the_end_still_counts(uow_factory):
    await make_complex(uow_factory, name="금호 대우", dong="금호1가동", dong_short="금1")
    await make_complex(uow_factory, name="금호 벽산", dong="금호1가동", dong_short="금1")
    await make_complex(uow_factory, name="금호 두산", dong="옥수동", dong_short="옥수")
    oksu = await make_dong(uow_factory, "옥수동", "옥수")

    async with uow_factory() as uow:
        scoped, scoped_total = await uow.housing.find_complexes_by_name(
            "금호", offset=0, limit=10, admin_dong_ids=frozenset({oksu})
        )
        first, total = await uow.housing.find_complexes_by_name("금호", offset=0, limit=2)
        past, past_total = await uow.housing.find_complexes_by_name("금호", offset=4, limit=2)
        nothing, none_total = await uow.housing.find_complexes_by_name("금호래미안", offset=0, limit=2)

    assert [c.name for c in scoped] == ["금호 두산"] and scoped_total == 1
    assert [c.name for c in first] == ["금호 대우", "금호 두산"] and total == 3
    assert past == [] and past_total == 3
    assert nothing == [] and none_total == 0
