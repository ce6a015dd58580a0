"""A reader without pii.view gets the card in one statement (head and sections together, outside a transaction),
and only of a complex in their dongs: another dong's card is refused and a missing one not found, as before, the
head then saying which; a complex that came into the reader's dongs between the two is shown."""

import pytest
from sqlalchemy import event

from core.errors import NotFound, PermissionDenied
from storage.housing.repository import HousingRepository
from tests.builders import grant, make_staff, make_two_dongs


@pytest.fixture
def statements(engine):
    """The SQL statements sent to the database, in order."""
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    yield sent
    event.remove(engine.sync_engine, "before_cursor_execute", note)


@pytest.fixture
async def district(uow_factory):
    return await make_two_dongs(uow_factory)


async def test_a_readers_card_is_one_statement(services, district, statements):
    reader = await make_staff(services, saeol_id="read01", roles=("housing.read",))
    statements.clear()

    card = await services.housing.get_complex_card(reader, district.wangdo_complex)

    assert len(statements) == 1
    assert card.detail.name == "성동삼성쉐르빌(주상복합)" and card.personal_data_masked
    assert [r.name for r in card.representatives] == ["왕도대표1", "왕도대표2", "왕도대표3"]
    assert card.office is not None and (card.office.name, card.office.mobile) == ("왕도소장", "010-****-9999")


async def test_a_scoped_reader_gets_their_dongs_card_in_one_statement_and_no_other(
    services, uow_factory, district, statements
):
    reader = await make_staff(services, saeol_id="seongsu1", roles=("housing.read",))
    reader = await grant(uow_factory, reader, "housing.read", dongs=(district.seongsu,))
    statements.clear()

    card = await services.housing.get_complex_card(reader, district.seongsu_complex)
    assert card.detail.name == "성수현대아파트" and len(statements) == 1

    statements.clear()
    with pytest.raises(PermissionDenied):
        await services.housing.get_complex_card(reader, district.wangdo_complex)
    assert len(statements) == 2  # nothing of the card, then the head: another dong's
    with pytest.raises(NotFound):
        await services.housing.get_complex_card(reader, 424242)


async def test_a_complex_that_came_into_the_readers_dongs_meanwhile_is_shown(services, district, monkeypatch):
    reader = await make_staff(services, saeol_id="read01", roles=("housing.read",))

    async def not_yet(self, complex_id, admin_dong_ids):  # as if it was moved in right after the first statement
        return None

    monkeypatch.setattr(HousingRepository, "load_complex_card", not_yet)
    card = await services.housing.get_complex_card(reader, district.wangdo_complex)

    assert card.detail.name == "성동삼성쉐르빌(주상복합)" and len(card.representatives) == 3
