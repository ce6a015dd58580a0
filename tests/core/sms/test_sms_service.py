"""문자전송 through the service: preview, send, list, cancel, results, on both engines."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.sms.dispatch import REPORT_MEMORY, DispatchSettings, SmsDispatch
from core.sms.gateway import UnconfiguredGateway
from core.sms.labels import export_labels
from core.sms.values import MessageState, MessageType, RecipientSelection
from storage.audit.models import AuditEntry
from storage.housing.models import Complex, Representative, ResidentGroup
from storage.sms.models import SmsMessage, SmsReport
from tests.builders import grant, make_complex, make_staff

REPS = RecipientSelection("representatives")


async def sender(services, saeol_id="sms01", roles=("sms.send",)):
    return await make_staff(services, saeol_id=saeol_id, name="문자담당", roles=roles)


async def test_preview_counts_recipients_merges_duplicates_and_lists_invalid_numbers(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=3)
    async with uow_factory(write=True) as uow:
        reps = list(await uow._session.scalars(select(Representative).order_by(Representative.id)))
        reps[1].phone = reps[0].phone
        reps[2].phone = "02-2292-1234"
        await uow.commit()
    actor = await sender(services)
    preview = await services.sms.preview(
        actor, RecipientSelection("representatives", (complex_id,)), "{이름}님 안녕하세요"
    )
    assert preview.recipient_count == 1
    assert preview.duplicates_merged == 1
    assert [i.phone for i in preview.invalid] == ["02-****-1234"]  # masked without pii.view
    assert preview.sample == "김대표1님 안녕하세요"
    assert preview.message_type is MessageType.SMS
    assert not preview.ums_configured


async def test_sending_writes_one_outbox_row_per_recipient_and_an_audit_entry(services, uow_factory):
    await make_complex(uow_factory, representatives=2, with_office=True)
    actor = await sender(services)
    batch = await services.sms.send(actor, REPS, "회의 안내")
    assert batch.counts.queued == 2 and batch.counts.total == 2
    assert not batch.cancellable and not batch.ums_configured  # sent now: not a reservation to cancel
    managers = await services.sms.preview(actor, RecipientSelection("managers"), "x")
    assert managers.recipient_count == 1
    async with uow_factory() as uow:
        keys = set(await uow._session.scalars(select(SmsMessage.idempotency_key)))
        actions = list(
            await uow._session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "sms_batch"))
        )
    assert len(keys) == 2
    assert actions == ["sms.send"]
    page = await services.sms.list_batches(actor)
    assert [b.id for b in page.items] == [batch.id]


async def test_sending_needs_sms_send_and_someone_to_send_to(services, uow_factory):
    reader = await make_staff(services, saeol_id="reader1", roles=("housing.read",))
    with pytest.raises(PermissionDenied):
        await services.sms.preview(reader, REPS, "x")
    actor = await sender(services)
    with pytest.raises(InvalidInput) as refused:
        await services.sms.send(actor, REPS, "x")
    assert refused.value.code == "sms_no_recipients"


async def test_a_dong_outside_the_senders_scope_is_refused(services, uow_factory):
    from tests.builders import grant, make_dong

    await make_complex(uow_factory, representatives=1)
    other = await make_dong(uow_factory, "성수1가1동", "성수1")
    actor = await sender(services)
    scoped = await grant(uow_factory, actor, "sms.send", dongs=(other,))
    assert (await services.sms.preview(scoped, REPS, "x")).recipient_count == 0
    with pytest.raises(PermissionDenied):
        await services.sms.preview(scoped, RecipientSelection("representatives", admin_dong_id=other + 1000), "x")


async def test_a_scheduled_batch_can_be_cancelled_while_nothing_went_out(services, uow_factory, clock):
    await make_complex(uow_factory, representatives=2)
    actor = await sender(services)
    batch = await services.sms.send(actor, REPS, "예약 문자", scheduled_at=clock.now() + timedelta(days=1))
    assert batch.counts.scheduled == 2
    assert [b.id for b in (await services.sms.list_batches(actor, scheduled_only=True)).items] == [batch.id]
    cancelled = await services.sms.cancel(actor, batch.id)
    assert cancelled.counts.cancelled == 2 and cancelled.cancelled_at is not None
    assert (await services.sms.list_batches(actor, scheduled_only=True)).total == 0
    with pytest.raises(InvalidInput) as again:
        await services.sms.cancel(actor, batch.id)
    assert again.value.code == "sms_already_cancelled"


async def test_cancelling_after_a_message_went_out_is_refused_with_the_reason(services, uow_factory, clock):
    await make_complex(uow_factory, representatives=2)
    actor = await sender(services)
    now = await services.sms.send(actor, REPS, "지금 보냄")
    with pytest.raises(InvalidInput) as not_reserved:
        await services.sms.cancel(actor, now.id)
    assert not_reserved.value.code == "sms_not_scheduled"
    batch = await services.sms.send(actor, REPS, "예약", clock.now() + timedelta(hours=1))
    assert batch.cancellable
    async with uow_factory(write=True) as uow:
        first = await uow._session.scalar(
            select(SmsMessage.id).where(SmsMessage.batch_id == batch.id).order_by(SmsMessage.id).limit(1)
        )
        await uow._session.execute(update(SmsMessage).where(SmsMessage.id == first).values(state="submitted"))
        await uow.commit()
    assert not (await services.sms.batch(actor, batch.id)).cancellable
    with pytest.raises(InvalidInput) as refused:
        await services.sms.cancel(actor, batch.id)
    assert refused.value.code == "sms_already_sent"
    assert (await services.sms.batch(actor, batch.id)).counts.cancelled == 0


async def test_without_a_ums_messages_are_recorded_as_not_sent(services, uow_factory, clock):
    await make_complex(uow_factory, representatives=1)
    actor = await sender(services)
    batch = await services.sms.send(actor, REPS, "안내")
    dispatch = SmsDispatch(uow_factory, clock, UnconfiguredGateway(), DispatchSettings())
    assert await dispatch.dispatch_once() == 1
    view = await services.sms.batch(actor, batch.id)
    assert view.counts.failed == 1 and view.counts.sent == 0 and not view.ums_configured
    page = await services.sms.recipients(actor, batch.id)
    assert page.items[0].state is MessageState.FAILED
    assert page.items[0].failure_reason == "ums_not_configured"
    assert page.items[0].phone == "010-****-5000"  # masked without pii.view
    book = load_workbook(BytesIO(await services.sms.export_results(actor, batch.id, export_labels("ko"))))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "UMS 미설정으로 발송하지 않음" in cells and "ums_not_configured" not in cells


async def test_someone_elses_batch_is_not_found(services, uow_factory):
    await make_complex(uow_factory, representatives=1)
    actor = await sender(services)
    batch = await services.sms.send(actor, REPS, "안내")
    other = await sender(services, saeol_id="sms02")
    with pytest.raises(NotFound):
        await services.sms.batch(other, batch.id)
    admin = await sender(services, saeol_id="adm01", roles=("sms.send", "admin"))
    assert (await services.sms.batch(admin, batch.id)).id == batch.id


async def test_report_ids_are_forgotten_after_a_week_and_no_sooner(uow_factory, clock):
    dispatch = SmsDispatch(uow_factory, clock, UnconfiguredGateway(), DispatchSettings())
    async with uow_factory(write=True) as uow:
        assert await uow.sms_reports.remember_report("r-old", clock.now() - REPORT_MEMORY - timedelta(minutes=1))
        assert await uow.sms_reports.remember_report("r-new", clock.now() - REPORT_MEMORY + timedelta(minutes=1))
        await uow.commit()
    await dispatch.housekeeping()
    async with uow_factory() as uow:
        assert set(await uow._session.scalars(select(SmsReport.report_id))) == {"r-new"}


async def test_numbers_are_shown_only_to_pii_view_over_every_dong_and_each_look_is_audited(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=2)
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(Representative).where(Representative.name == "김대표2").values(phone="02-2292-1234")
        )
        dong_id = await uow._session.scalar(select(Complex.admin_dong_id).where(Complex.id == complex_id))
        await uow.commit()
    plain = await sender(services, roles=("sms.send", "admin"))
    batch = await services.sms.send(plain, REPS, "안내")
    assert (await services.sms.recipients(plain, batch.id)).items[0].phone == "010-****-5000"
    assert (await services.sms.resolve(plain, REPS)).invalid[0].phone == "02-****-1234"
    # pii.view over one dong is not enough: a batch's people come from many dongs.
    scoped = await grant(uow_factory, plain, "pii.view", dongs=(dong_id,))
    assert (await services.sms.recipients(scoped, batch.id)).items[0].phone == "010-****-5000"
    assert await pii_views(uow_factory) == []

    seer = await grant(uow_factory, plain, "pii.view")
    assert (await services.sms.recipients(seer, batch.id)).items[0].phone == "010-1234-5000"
    assert (await services.sms.preview(seer, REPS, "안내")).invalid[0].phone == "02-2292-1234"
    book = load_workbook(BytesIO(await services.sms.export_results(seer, batch.id, export_labels("ko"))))
    assert "010-1234-5000" in [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert await pii_views(uow_factory) == [
        ("sms_batch", batch.id, "sms_results"),
        ("sms_selection", None, "sms_preview"),
        ("sms_batch", batch.id, "sms_export"),
    ]


async def pii_views(uow_factory):
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(AuditEntry.target_type, AuditEntry.target_id, AuditEntry.details)
            .where(AuditEntry.action == "pii.view")
            .order_by(AuditEntry.id)
        )
        return [(kind, target, details["via"]) for kind, target, details in rows]


async def test_community_activation_and_other_groups_are_reached_apart(services, uow_factory):
    await make_complex(uow_factory, groups=2)
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(ResidentGroup)
            .where(ResidentGroup.kind == "other")
            .values(leader_name="최총무", leader_phone="010-5555-1212")
        )
        await uow.commit()
    actor = await sender(services)
    activation = await services.sms.resolve(actor, RecipientSelection("group_leaders"))
    others = await services.sms.resolve(actor, RecipientSelection("other_group_leaders"))
    assert [(r.name, r.phone) for r in activation.recipients] == [("박회장", "01098765432")]
    assert [(r.name, r.phone) for r in others.recipients] == [("최총무", "01055551212")]


LONG_TEXT = "12월 입주자대표회의 안내\n" + "일시: 12월 10일(목) 14시, 장소: 구청 3층 대회의실입니다. " * 2


async def test_an_lms_keeps_its_subject_or_its_first_line_and_an_sms_has_none(services, uow_factory):
    await make_complex(uow_factory, representatives=2)
    actor = await sender(services)
    preview = await services.sms.preview(actor, REPS, LONG_TEXT)
    assert preview.message_type is MessageType.LMS
    assert preview.subject == preview.default_subject == "12월 입주자대표회의 안내"
    chosen = await services.sms.preview(actor, REPS, LONG_TEXT, subject=" 회의\n안내 ")
    assert chosen.subject == "회의 안내" and chosen.default_subject == "12월 입주자대표회의 안내"
    with pytest.raises(InvalidInput) as refused:
        await services.sms.preview(actor, REPS, LONG_TEXT, subject="가" * 31)
    assert refused.value.code == "sms_subject_too_long"

    typed = await services.sms.send(actor, REPS, LONG_TEXT, subject="회의 안내", request_key="k1")
    default = await services.sms.send(actor, REPS, LONG_TEXT)
    short = await services.sms.send(actor, REPS, "회의 안내", subject="쓰이지 않는 제목")
    assert (typed.subject, default.subject, short.subject) == ("회의 안내", "12월 입주자대표회의 안내", None)
    assert (await services.sms.batch(actor, typed.id)).subject == "회의 안내"
    with pytest.raises(InvalidInput) as reused:  # the same key with another subject is another request
        await services.sms.send(actor, REPS, LONG_TEXT, subject="다른 제목", request_key="k1")
    assert reused.value.code == "sms_request_key_reused"
    again = await services.sms.send(actor, REPS, LONG_TEXT, subject="회의 안내", request_key="k1")
    assert again.replayed and again.id == typed.id


async def test_the_recipients_of_a_selection_are_paged_masked_or_seen_and_audited(services, uow_factory):
    await make_complex(uow_factory, representatives=13)
    masked = await sender(services)
    first = await services.sms.recipient_page(masked, REPS)
    assert (first.total, len(first.items), first.has_next) == (13, 10, True)
    assert first.items[0].name == "김대표1" and first.items[0].kind == "representatives"
    assert first.items[0].position and first.items[0].phone == "010-****-5000"
    second = await services.sms.recipient_page(masked, REPS, 1)
    assert len(second.items) == 3 and not second.has_next
    seer = await sender(services, saeol_id="pii01", roles=("sms.send", "pii.view"))
    seen = await services.sms.recipient_page(seer, REPS, 1)
    assert seen.items[0].phone.startswith("010-1234-")
    async with uow_factory() as uow:
        views = list(
            await uow._session.execute(
                select(AuditEntry.actor_staff_id, AuditEntry.details).where(AuditEntry.action == "pii.view")
            )
        )
    assert [tuple(v) for v in views] == [(seer.id, {"via": "sms_preview_recipients", "phones": 3})]
