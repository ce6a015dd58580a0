"""저장된 수신자 목록 and request keys: saving who a selection reached, sending to it later (numbers checked
again), a list being its owner's alone, and a send repeated under one request key making one batch."""

import asyncio

import pytest
from sqlalchemy import func, select, update

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.sms.lists import MAX_LISTS
from core.sms.values import ListEntry, RecipientSelection
from storage.audit.models import AuditEntry
from storage.housing.models import Representative
from storage.reference.models import Position
from storage.sms.models import SmsBatch, SmsMessage, SmsSavedListEntry
from tests.builders import make_complex, make_staff

REPS = RecipientSelection("representatives")


async def sender(services, saeol_id="sms01", roles=("sms.send",)):
    return await make_staff(services, saeol_id=saeol_id, name=f"문자{saeol_id}", roles=roles)


def saved(list_id):
    return RecipientSelection("saved", list_id=list_id)


async def count(uow_factory, model):
    async with uow_factory() as uow:
        return await uow._session.scalar(select(func.count()).select_from(model))


async def test_the_people_a_selection_reached_are_saved_and_texted_again_later(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=3)
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(Representative).where(Representative.name == "김대표3").values(phone="02-2292-1234")
        )
        await uow.commit()
    actor = await sender(services)
    result = await services.sms_lists.save_selection(actor, "  입주자대표   회의 ", REPS)
    assert result.saved.name == "입주자대표 회의" and result.saved.entry_count == 2
    assert [i.name for i in result.invalid] == ["김대표3"]  # the landline is listed and left out
    assert [s.name for s in await services.sms_lists.list_saved(actor)] == ["입주자대표 회의"]

    # The registry changes afterwards; the list keeps the people as they were saved.
    await make_complex(uow_factory, name="금호대우아파트", representatives=1)
    batch = await services.sms.send(actor, saved(result.saved.id), "{이름}님 회의 안내")
    assert batch.counts.total == 2 and batch.description["kind"] == "saved"
    async with uow_factory() as uow:
        bodies = set(await uow._session.scalars(select(SmsMessage.body)))
        actions = set(await uow._session.scalars(select(AuditEntry.action)))
    assert bodies == {"김대표1님 회의 안내", "김대표2님 회의 안내"}
    assert {"sms.list_save", "sms.send"} <= actions
    assert complex_id


async def test_numbers_given_by_hand_are_checked_merged_and_saved(services, uow_factory):
    actor = await sender(services)
    result = await services.sms_lists.save_entries(
        actor,
        "통장 연락망",
        [
            ListEntry("홍길동", "010-1111-2222", "행당동"),
            ListEntry("홍길동", "+82 10 1111 2222"),
            ListEntry("임꺽정", "12345"),
        ],
    )
    assert result.saved.entry_count == 1 and result.duplicates_merged == 1
    assert [(i.name, i.phone) for i in result.invalid] == [("임꺽정", "*2345")]  # masked without pii.view
    preview = await services.sms.preview(actor, saved(result.saved.id), "{이름}님, {단지명}")
    assert preview.recipient_count == 1 and preview.sample == "홍길동님, 행당동"
    with pytest.raises(InvalidInput) as nameless:
        await services.sms_lists.save_entries(actor, "빈 이름", [ListEntry("  ", "010-1111-2222")])
    assert nameless.value.code == "invalid_sms_list_person"


async def test_a_list_name_is_required_short_and_unique_per_sender(services, uow_factory):
    await make_complex(uow_factory, representatives=1)
    actor = await sender(services)
    for name, code in (("   ", "invalid_sms_list_name"), ("가" * 41, "invalid_sms_list_name")):
        with pytest.raises(InvalidInput) as refused:
            await services.sms_lists.save_selection(actor, name, REPS)
        assert refused.value.code == code
    await services.sms_lists.save_selection(actor, "대표", REPS)
    with pytest.raises(InvalidInput) as taken:
        await services.sms_lists.save_selection(actor, "대표", REPS)
    assert taken.value.code == "sms_list_name_taken"
    other = await sender(services, "sms02")
    assert (await services.sms_lists.save_selection(other, "대표", REPS)).saved.entry_count == 1


async def test_nobody_to_save_and_too_many_lists_are_refused(services, uow_factory):
    actor = await sender(services)
    with pytest.raises(InvalidInput) as empty:
        await services.sms_lists.save_selection(actor, "없음", REPS)
    assert empty.value.code == "sms_no_recipients"
    await make_complex(uow_factory, representatives=1)
    for number in range(MAX_LISTS):
        await services.sms_lists.save_selection(actor, f"목록{number}", REPS)
    with pytest.raises(InvalidInput) as many:
        await services.sms_lists.save_selection(actor, "하나 더", REPS)
    assert many.value.code == "sms_list_too_many"


async def test_a_list_is_its_owners_alone(services, uow_factory):
    await make_complex(uow_factory, representatives=2)
    owner = await sender(services)
    mine = (await services.sms_lists.save_selection(owner, "내 목록", REPS)).saved
    other = await sender(services, "sms02")
    assert await services.sms_lists.list_saved(other) == ()
    with pytest.raises(NotFound):
        await services.sms.preview(other, saved(mine.id), "x")
    with pytest.raises(NotFound):
        await services.sms_lists.delete(other, mine.id)
    reader = await make_staff(services, saeol_id="reader1", roles=("housing.read",))
    with pytest.raises(PermissionDenied):
        await services.sms_lists.list_saved(reader)

    await services.sms_lists.delete(owner, mine.id)
    assert await services.sms_lists.list_saved(owner) == ()
    assert await count(uow_factory, SmsSavedListEntry) == 0
    with pytest.raises(NotFound):
        await services.sms.send(owner, saved(mine.id), "x")


async def test_positions_are_the_reference_list_in_its_order(services, uow_factory, positions_restored):
    actor = await sender(services)
    async with uow_factory(write=True) as uow:
        uow._session.add(Position(name="동대표", sort_order=99))
        await uow.commit()
    positions = await services.sms.positions(actor)
    assert positions[0] == "회장" and positions[-1] == "동대표"
    reader = await make_staff(services, saeol_id="reader1", roles=("housing.read",))
    with pytest.raises(PermissionDenied):
        await services.sms.positions(reader)


async def test_resolving_counts_without_a_text(services, uow_factory):
    await make_complex(uow_factory, representatives=3, with_office=True)
    actor = await sender(services)
    found = await services.sms.resolve(actor, RecipientSelection("representatives", position="회장"))
    assert [r.name for r in found.recipients] == ["김대표1"]


async def test_a_request_repeated_under_its_key_makes_one_batch(services, uow_factory):
    await make_complex(uow_factory, representatives=2)
    actor = await sender(services)
    first = await services.sms.send(actor, REPS, "회의 안내", request_key="req-1")
    again = await services.sms.send(actor, REPS, "회의 안내", request_key="req-1")
    assert again.id == first.id and again.replayed and not first.replayed
    assert await count(uow_factory, SmsMessage) == 2
    with pytest.raises(InvalidInput) as reused:
        await services.sms.send(actor, REPS, "다른 안내", request_key="req-1")
    assert reused.value.code == "sms_request_key_reused"
    # Keys are per sender: another sender's "req-1" is their own request.
    other = await sender(services, "sms02")
    assert (await services.sms.send(other, REPS, "회의 안내", request_key="req-1")).id != first.id
    with pytest.raises(InvalidInput) as malformed:
        await services.sms.send(actor, REPS, "회의 안내", request_key="키 값")
    assert malformed.value.code == "sms_request_key"


async def test_the_same_request_sent_twice_at_once_makes_one_batch(services, uow_factory):
    await make_complex(uow_factory, representatives=2)
    actor = await sender(services)
    answers = await asyncio.gather(*(services.sms.send(actor, REPS, "동시 요청", request_key="same") for _ in range(4)))
    assert len({a.id for a in answers}) == 1 and sum(not a.replayed for a in answers) == 1
    assert await count(uow_factory, SmsBatch) == 1 and await count(uow_factory, SmsMessage) == 2
