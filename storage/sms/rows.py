"""Between the SMS tables and the values of core.sms.values: the values read back, built by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.sms.values import Batch, Message, MessageState, SmsCandidate, StateCounts
from storage.housing.models import Complex
from storage.sms.models import SmsMessage

COMPLEX_COLUMNS = (Complex.id.label("complex_id"), Complex.name.label("complex_name"))
FAILED_AFTER_SUBMIT = "failed_after_submit"


def batch_of(row: Any) -> Batch:
    """From a row selecting ``SmsBatch`` and its creator's name as ``creator``."""
    batch, creator = row.SmsBatch, row.creator
    return Batch(
        id=batch.id,
        created_by_id=batch.created_by_id,
        created_by_name=creator,
        created_at=batch.created_at,
        text=batch.text,
        message_type=batch.message_type,
        byte_length=batch.byte_length,
        sender_number=batch.sender_number,
        scheduled_at=batch.scheduled_at,
        description=dict(batch.description),
        recipient_count=batch.recipient_count,
        cancelled_at=batch.cancelled_at,
        request_digest=batch.request_digest,
        subject=batch.subject,
        via_ums=batch.via_ums,
    )


def candidate_of(row: Any, position: str | None = None) -> SmsCandidate:
    """From a row selecting a person's ``name`` and ``phone`` and ``COMPLEX_COLUMNS``."""
    return SmsCandidate(
        name=row.name or "",
        phone=row.phone,
        complex_id=row.complex_id,
        complex_name=row.complex_name,
        position=position,
    )


def message_of(
    m: SmsMessage, *, message_type: str = "sms", sender_number: str = "", subject: str | None = None
) -> Message:
    return Message(
        id=m.id,
        batch_id=m.batch_id,
        name=m.name,
        phone=m.phone,
        complex_name=m.complex_name,
        body=m.body,
        idempotency_key=m.idempotency_key,
        state=m.state,
        due_at=m.due_at,
        attempts=m.attempts,
        last_error=m.last_error,
        state_changed_at=m.state_changed_at,
        submitted_at=m.submitted_at,
        ums_message_id=m.ums_message_id,
        failure_reason=m.failure_reason,
        message_type=message_type,
        sender_number=sender_number,
        subject=subject,
    )


def state_counts(tally: Mapping[str, int]) -> StateCounts:
    """From messages counted per state, with ``FAILED_AFTER_SUBMIT`` (failed once the UMS had them)."""
    return StateCounts(
        **{state.value: tally.get(state.value, 0) for state in MessageState},
        failed_after_submit=tally.get(FAILED_AFTER_SUBMIT, 0),
    )
