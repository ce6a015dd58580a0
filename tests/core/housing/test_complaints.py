"""The complaints ledger (민원) as core decides it: input rules, states, permissions and dong scope, masking
with its audit, versions under concurrent saves, and the assignee's notice."""

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.housing.complaints import ChangedMeanwhile, read_date
from core.housing.values import ComplaintAction, ComplaintDraft, ComplaintEdit, ComplaintState
from core.masking import mask_name
from storage.audit.models import AuditEntry
from storage.notifications.models import Notification
from tests.builders import grant, make_complex, make_dong, make_staff

WRITER_ROLES = ("housing.read", "housing.write")
TODAY = date(2026, 11, 25)  # the clock fixture's day in Seoul


async def writers(services, *, telegram: bool = True):
    clerk = await make_staff(services, saeol_id="clerk01", name="김민원", roles=WRITER_ROLES, telegram_id=501)
    colleague = await make_staff(
        services, saeol_id="clerk02", name="박처리", roles=WRITER_ROLES, telegram_id=502 if telegram else None
    )
    return clerk, colleague


def draft(complex_id: int, assignee: int, **changes) -> ComplaintDraft:
    values = {
        "complex_id": complex_id,
        "received_on": date(2026, 11, 20),
        "channel": "phone",
        "content": "지하주차장 누수로 차량이 젖습니다.\n조치 바랍니다.",
        "assignee_id": assignee,
        "complainant": "홍길동",
        "contact": "01012345678",
    } | changes
    return ComplaintDraft(**values)


async def audit_entries(uow_factory, prefix: str):
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id, AuditEntry.details)
            .where(AuditEntry.action.startswith(prefix))
            .order_by(AuditEntry.id)
        )
        return rows.all()


async def notices(uow_factory):
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(Notification.recipient_id, Notification.kind, Notification.payload).order_by(Notification.id)
        )
        return rows.all()


# -- input rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2016.03.14", "2016-03-14", "20160314", "2016/3/14", " 2016. 3. 14. "])
def test_a_date_is_read_in_the_ways_the_office_writes_it(typed):
    assert read_date(typed, TODAY) == date(2016, 3, 14)


@pytest.mark.parametrize("typed", ["", "어제", "2016.13.01", "2016.02.30", "16.03.14", "1989.12.31", "2016031"])
def test_a_date_that_is_not_one_is_refused(typed):
    with pytest.raises(InvalidInput) as refused:
        read_date(typed, TODAY)
    assert refused.value.code == "invalid_complaint_date"


def test_a_date_in_the_future_is_refused():
    with pytest.raises(InvalidInput) as refused:
        read_date("2026.11.26", TODAY)
    assert refused.value.code == "complaint_date_future"


@pytest.mark.parametrize(
    ("name", "masked"), [("홍길동", "홍*동"), ("남궁민수", "남**수"), ("김철", "김*"), ("이", "이*"), (None, None)]
)
def test_a_name_keeps_its_first_and_last_character(name, masked):
    assert mask_name(name) == masked


async def test_registration_checks_every_field(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    clerk, colleague = await writers(services)
    bad = [
        ({"channel": "fax"}, "invalid_complaint_channel"),
        ({"content": "   "}, "invalid_complaint_content"),
        ({"content": "가" * 1501}, "invalid_complaint_content"),
        ({"complainant": "가" * 51}, "invalid_complainant"),
        ({"contact": "12345"}, "invalid_complaint_contact"),
        ({"received_on": TODAY + timedelta(days=1)}, "complaint_date_future"),
        ({"assignee_id": 999999}, "complaint_assignee_not_allowed"),
    ]
    for changes, code in bad:
        with pytest.raises(InvalidInput) as refused:
            await services.complaints.register(clerk, draft(complex_id, colleague.id, **changes))
        assert refused.value.code == code, changes
    assert (await services.complaints.of_complex(clerk, complex_id))[1].total == 0


# -- states ---------------------------------------------------------------------------------------------------


async def test_a_complaint_goes_from_received_through_in_progress_to_closed(services, uow_factory, clock):
    complex_id = await make_complex(uow_factory)
    clerk, colleague = await writers(services)
    registered = await services.complaints.register(clerk, draft(complex_id, colleague.id))
    assert registered.state is ComplaintState.RECEIVED
    assert registered.contact == "010-****-5678" and registered.complainant == "홍*동"
    assert registered.actions == {ComplaintAction.START, ComplaintAction.REASSIGN, ComplaintAction.EDIT}
    with pytest.raises(InvalidInput) as refused:
        await services.complaints.close(colleague, registered.id, registered.version, "조치 완료")
    assert refused.value.code == "complaint_not_started"

    started = await services.complaints.start(colleague, registered.id, registered.version)
    assert started.state is ComplaintState.IN_PROGRESS and started.version == registered.version + 1
    assert started.updated_by_name == "박처리"
    with pytest.raises(InvalidInput) as again:
        await services.complaints.start(colleague, started.id, started.version)
    assert again.value.code == "complaint_already_started"

    clock.advance(timedelta(days=2))
    closed = await services.complaints.close(colleague, started.id, started.version, "  배관 교체 완료 \n\n\n\n확인함 ")
    assert closed.state is ComplaintState.CLOSED
    assert closed.result == "배관 교체 완료\n\n확인함"
    assert closed.closed_on == date(2026, 11, 27) and closed.days_open == 7
    assert closed.actions == frozenset()
    with pytest.raises(InvalidInput) as locked:
        await services.complaints.reassign(clerk, closed.id, closed.version, clerk.id)
    assert locked.value.code == "complaint_closed"

    entries = await audit_entries(uow_factory, "housing.complaint.")
    assert [e.action for e in entries] == ["housing.complaint.add", "housing.complaint.edit", "housing.complaint.edit"]
    assert all(e.target_type == "complex" and e.target_id == complex_id for e in entries)
    assert entries[0].details["changes"]["contact"] == [None, "010-1234-5678"]
    assert entries[1].details == {"record_id": registered.id, "changes": {"state": ["received", "in_progress"]}}
    assert entries[2].details["changes"] == {
        "state": ["in_progress", "closed"],
        "result": [None, "배관 교체 완료\n\n확인함"],
        "closed_on": [None, "2026-11-27"],
    }


async def test_a_correction_is_audited_with_old_and_new_values_and_empties_optional_fields(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    clerk, colleague = await writers(services)
    c = await services.complaints.register(clerk, draft(complex_id, colleague.id))
    edited = await services.complaints.edit(
        clerk, c.id, c.version, ComplaintEdit(channel="visit", contact="02-2286-5678", received_on=date(2026, 11, 19))
    )
    assert (edited.channel, edited.received_on) == ("visit", date(2026, 11, 19))
    cleared = await services.complaints.edit(clerk, c.id, edited.version, ComplaintEdit(clear=frozenset({"contact"})))
    assert cleared.contact is None
    with pytest.raises(InvalidInput):
        await services.complaints.edit(clerk, c.id, cleared.version, ComplaintEdit(clear=frozenset({"content"})))
    entries = await audit_entries(uow_factory, "housing.complaint.edit")
    assert entries[0].details["changes"] == {
        "received_on": ["2026-11-20", "2026-11-19"],
        "channel": ["phone", "visit"],
        "contact": ["010-1234-5678", "02-2286-5678"],
    }
    assert entries[1].details["changes"] == {"contact": ["02-2286-5678", None]}


# -- permissions and dong scope -------------------------------------------------------------------------------


async def test_only_housing_writers_covering_the_dong_register_or_take_complaints(services, uow_factory):
    wangdo_complex = await make_complex(uow_factory)
    seongsu_complex = await make_complex(uow_factory, name="성수현대아파트", dong="성수1가제1동", dong_short="성수1")
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    reader = await make_staff(services)
    clerk, _ = await writers(services)
    scoped = await make_staff(services, saeol_id="seongsu01", name="성수담당", roles=WRITER_ROLES)
    await grant(uow_factory, scoped, "housing.write", dongs=(seongsu,))
    await grant(uow_factory, scoped, "housing.read", dongs=(seongsu,))
    async with uow_factory() as uow:
        scoped = await uow.staff.get_staff(scoped.id)
    with pytest.raises(PermissionDenied):
        await services.complaints.register(reader, draft(wangdo_complex, clerk.id))
    with pytest.raises(PermissionDenied):
        await services.complaints.register(scoped, draft(wangdo_complex, scoped.id))
    with pytest.raises(InvalidInput) as refused:
        await services.complaints.register(clerk, draft(wangdo_complex, scoped.id))
    assert refused.value.code == "complaint_assignee_not_allowed"
    assert {a.name for a in await services.complaints.assignees(clerk, wangdo_complex)} == {"김민원", "박처리"}
    assert {a.name for a in await services.complaints.assignees(clerk, seongsu_complex)} == {
        "김민원",
        "박처리",
        "성수담당",
    }
    mine = await services.complaints.register(scoped, draft(seongsu_complex, scoped.id))
    theirs = await services.complaints.register(clerk, draft(wangdo_complex, clerk.id))
    with pytest.raises(PermissionDenied):
        await services.complaints.get(scoped, theirs.id)
    with pytest.raises(PermissionDenied):
        await services.complaints.start(scoped, theirs.id, theirs.version)
    with pytest.raises(PermissionDenied):
        await services.complaints.start(reader, theirs.id, theirs.version)
    with pytest.raises(NotFound):
        await services.complaints.get(clerk, 424242)
    assert (await services.complaints.get(reader, theirs.id)).actions == frozenset()
    # Lists stay in the reader's dongs, whoever holds the complaint.
    clock_day = services.clock.today()
    assert clock_day == TODAY
    assert [i.id for i in (await services.complaints.mine(scoped)).items] == [mine.id]
    assert {i.id for i in (await services.complaints.mine(clerk)).items} == {theirs.id}
    await grant(uow_factory, reader, "housing.read", dongs=(seongsu,))
    async with uow_factory() as uow:
        reader = await uow.staff.get_staff(reader.id)
    with pytest.raises(PermissionDenied):
        await services.complaints.of_complex(reader, wangdo_complex)
    with pytest.raises(PermissionDenied):
        await services.complaints.count_open(reader, wangdo_complex)
    assert await services.complaints.count_open(reader, seongsu_complex) == 1
    assert [i.id for i in (await services.complaints.of_complex(reader, seongsu_complex))[1].items] == [mine.id]


# -- masking and its audit ------------------------------------------------------------------------------------


async def test_personal_data_is_masked_without_pii_view_and_each_unmasked_view_is_audited(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    clerk, colleague = await writers(services)
    viewer = await make_staff(services, saeol_id="pii01", name="열람자", roles=("housing.read", "pii.view"))
    c = await services.complaints.register(clerk, draft(complex_id, colleague.id))
    masked = await services.complaints.get(clerk, c.id)
    assert (masked.complainant, masked.contact, masked.personal_data_masked) == ("홍*동", "010-****-5678", True)
    assert await audit_entries(uow_factory, "pii.view") == []
    full = await services.complaints.get(viewer, c.id)
    assert (full.complainant, full.contact, full.personal_data_masked) == ("홍길동", "010-1234-5678", False)
    await services.complaints.get(viewer, c.id)
    views = await audit_entries(uow_factory, "pii.view")
    assert [(v.target_type, v.target_id, v.details) for v in views] == [
        ("complex", complex_id, {"via": "complaint", "record_id": c.id})
    ] * 2
    anonymous = await services.complaints.register(
        clerk, draft(complex_id, colleague.id, complainant=None, contact=None)
    )
    await services.complaints.get(viewer, anonymous.id)
    assert len(await audit_entries(uow_factory, "pii.view")) == 2  # nothing personal was shown


# -- versions -------------------------------------------------------------------------------------------------


async def test_a_save_over_a_change_made_meanwhile_is_refused_with_who_and_the_current_values(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    clerk, colleague = await writers(services)
    c = await services.complaints.register(clerk, draft(complex_id, clerk.id))
    await services.complaints.edit(colleague, c.id, c.version, ComplaintEdit(content="누수 범위가 넓어졌습니다."))
    with pytest.raises(ChangedMeanwhile) as refused:
        await services.complaints.edit(clerk, c.id, c.version, ComplaintEdit(channel="visit"))
    assert refused.value.params == {"by": "박처리"}
    assert refused.value.current.content == "누수 범위가 넓어졌습니다."
    assert refused.value.current.version == c.version + 1
    again = await services.complaints.edit(clerk, c.id, refused.value.current.version, ComplaintEdit(channel="visit"))
    assert (again.channel, again.content) == ("visit", "누수 범위가 넓어졌습니다.")


async def test_two_saves_at_once_on_the_same_version_let_exactly_one_through(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    clerk, colleague = await writers(services)
    c = await services.complaints.register(clerk, draft(complex_id, clerk.id))
    results = await asyncio.gather(
        services.complaints.edit(clerk, c.id, c.version, ComplaintEdit(content="첫째 저장")),
        services.complaints.edit(colleague, c.id, c.version, ComplaintEdit(content="둘째 저장")),
        return_exceptions=True,
    )
    saved = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(saved) == 1 and len(refused) == 1
    assert isinstance(refused[0], ChangedMeanwhile), refused[0]
    current = await services.complaints.get(clerk, c.id)
    assert current.content == saved[0].content and current.version == c.version + 1
    assert len(await audit_entries(uow_factory, "housing.complaint.edit")) == 1


# -- lists ----------------------------------------------------------------------------------------------------


async def test_lists_of_mine_by_complex_and_overdue(services, uow_factory, clock):
    first = await make_complex(uow_factory)
    second = await make_complex(uow_factory, name="한신아파트")
    clerk, colleague = await writers(services)
    old = await services.complaints.register(clerk, draft(first, clerk.id, received_on=date(2026, 11, 10)))
    edge = await services.complaints.register(clerk, draft(first, colleague.id, received_on=date(2026, 11, 11)))
    recent = await services.complaints.register(clerk, draft(second, clerk.id, received_on=date(2026, 11, 24)))
    done = await services.complaints.register(clerk, draft(first, clerk.id, received_on=date(2026, 10, 1)))
    done = await services.complaints.start(clerk, done.id, done.version)
    await services.complaints.close(clerk, done.id, done.version, "처리 완료")
    assert [i.id for i in (await services.complaints.mine(clerk)).items] == [old.id, recent.id]
    assert [i.id for i in (await services.complaints.of_complex(clerk, first))[1].items] == [old.id, edge.id]
    _, every = await services.complaints.of_complex(clerk, first, open_only=False)
    assert [i.id for i in every.items] == [done.id, old.id, edge.id]
    # Open longer than 14 days in Seoul: received 11-10 is, 11-11 is not (yet).
    assert [i.id for i in (await services.complaints.overdue(clerk)).items] == [old.id]
    assert (await services.complaints.get(clerk, old.id)).overdue
    assert not (await services.complaints.get(clerk, edge.id)).overdue
    clock.advance(timedelta(days=1))
    assert [i.id for i in (await services.complaints.overdue(clerk)).items] == [old.id, edge.id]
    assert await services.complaints.count_open(clerk, first) == 2
    card = await services.housing.get_complex_card(clerk, first)
    assert card.open_complaints == 2


async def test_the_reminder_query_gives_open_complaints_older_than_a_day_by_dong(services, uow_factory):
    wangdo_complex = await make_complex(uow_factory)
    seongsu_complex = await make_complex(uow_factory, name="성수현대아파트", dong="성수1가제1동", dong_short="성수1")
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    clerk, _ = await writers(services)
    a = await services.complaints.register(clerk, draft(seongsu_complex, clerk.id, received_on=date(2026, 11, 1)))
    b = await services.complaints.register(clerk, draft(wangdo_complex, clerk.id, received_on=date(2026, 11, 2)))
    await services.complaints.register(clerk, draft(wangdo_complex, clerk.id, received_on=date(2026, 11, 20)))
    async with uow_factory() as uow:
        every = await uow.complaints.list_open_received_before(date(2026, 11, 11))
        scoped = await uow.complaints.list_open_received_before(date(2026, 11, 11), frozenset({seongsu}))
    assert {i.id for i in every} == {a.id, b.id}
    assert [i.id for i in scoped] == [a.id] and scoped[0].admin_dong_id == seongsu


async def test_pages_hold_eight_and_say_how_many_in_all(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    clerk, _ = await writers(services)
    for day in range(1, 11):
        await services.complaints.register(clerk, draft(complex_id, clerk.id, received_on=date(2026, 11, day)))
    first, second = await services.complaints.mine(clerk), await services.complaints.mine(clerk, 1)
    assert (len(first.items), len(second.items), first.total, second.total) == (8, 2, 10, 10)
    assert (await services.complaints.mine(clerk, 5)).total == 10


# -- the assignee's notice ------------------------------------------------------------------------------------


async def test_the_assignee_is_told_on_registration_and_reassignment_but_not_of_their_own_doing(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    clerk, colleague = await writers(services)
    own = await services.complaints.register(clerk, draft(complex_id, clerk.id))
    assert await notices(uow_factory) == [] and not own.notice_queued
    handed = await services.complaints.register(clerk, draft(complex_id, colleague.id))
    assert handed.notice_queued
    sent = await notices(uow_factory)
    assert [(n.recipient_id, n.kind) for n in sent] == [(colleague.id, "complaint_assigned")]
    payload = sent[0].payload
    assert payload["complaint_id"] == handed.id and payload["actor"] == "김민원"
    assert "홍길동" not in str(payload) and "1234" not in str(payload)  # no personal data in a chat
    await services.complaints.reassign(clerk, own.id, own.version, colleague.id)
    await services.complaints.reassign(colleague, handed.id, handed.version, colleague.id)  # no change at all
    taken = await services.complaints.get(clerk, handed.id)
    assert taken.version == handed.version
    assert [n.recipient_id for n in await notices(uow_factory)] == [colleague.id, colleague.id]
    entries = await audit_entries(uow_factory, "housing.complaint.edit")
    assert entries[-1].details["changes"] == {"assignee": ["김민원", "박처리"]}


async def test_an_assignee_not_yet_in_telegram_is_not_promised_a_notice(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    clerk, offline = await writers(services, telegram=False)
    handed = await services.complaints.register(clerk, draft(complex_id, offline.id))
    assert not handed.notice_queued and await notices(uow_factory) == []
