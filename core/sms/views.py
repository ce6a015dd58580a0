"""What a reader is shown of a batch: its record with its counts, and whether it may still be cancelled."""

from __future__ import annotations

from datetime import datetime

from core.sms.values import Batch, BatchSummary, BatchView, MessageType, StateCounts

TEXT_HEAD = 20


def cancellable(scheduled_at: datetime | None, cancelled_at: datetime | None, counts: StateCounts) -> bool:
    """Only a reservation whose messages all still wait for their time: once the dispatcher has tried one,
    the UMS may have it, whatever our rows say."""
    return scheduled_at is not None and cancelled_at is None and counts.scheduled == counts.total > 0


def batch_view(batch: Batch, counts: StateCounts) -> BatchView:
    return BatchView(
        id=batch.id,
        created_at=batch.created_at,
        created_by_id=batch.created_by_id,
        created_by_name=batch.created_by_name,
        text=batch.text,
        message_type=MessageType(batch.message_type),
        byte_length=batch.byte_length,
        sender_number=batch.sender_number,
        scheduled_at=batch.scheduled_at,
        cancelled_at=batch.cancelled_at,
        description=batch.description,
        counts=counts,
        ums_configured=batch.via_ums,
        cancellable=cancellable(batch.scheduled_at, batch.cancelled_at, counts),
        subject=batch.subject,
    )


def batch_summary(batch: Batch, counts: StateCounts) -> BatchSummary:
    """One line of a list of batches: the first characters of the text."""
    return BatchSummary(
        id=batch.id,
        created_at=batch.created_at,
        created_by_name=batch.created_by_name,
        text_head=batch.text[:TEXT_HEAD],
        message_type=MessageType(batch.message_type),
        scheduled_at=batch.scheduled_at,
        cancelled_at=batch.cancelled_at,
        counts=counts,
        ums_configured=batch.via_ums,
        cancellable=cancellable(batch.scheduled_at, batch.cancelled_at, counts),
    )
