"""What the SMS services take and return (문자전송). Plain values; the dialogue and the admin endpoint code
against these names.

States of one message (one recipient of a batch)::

    scheduled -> queued -> submitted -> delivered | failed
        \\-> cancelled            \\-> unknown (no report within the configured time)

"submitted" means the UMS accepted the message; it is never shown as delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

RecipientKind = Literal[
    "managers", "representatives", "group_leaders", "other_group_leaders", "organization_leaders", "saved"
]
# The kinds of person a selection reaches from the registry; "saved" is a staff member's saved list.
# group_leaders: 공동체활성화 단체; other_group_leaders: 기타 자생단체 (the seed's two kinds of residents' group);
# organization_leaders: the representatives of 마을공동체 단체(기관) (the report's 2-다), reached by the community
# register rather than the housing one.
RECIPIENT_KINDS: tuple[RecipientKind, ...] = (
    "managers",
    "representatives",
    "group_leaders",
    "other_group_leaders",
    "organization_leaders",
)
COMMUNITY_KINDS: frozenset[RecipientKind] = frozenset({"organization_leaders"})
SELECTION_KINDS: tuple[RecipientKind, ...] = (*RECIPIENT_KINDS, "saved")


class MessageType(StrEnum):
    SMS = "sms"  # up to 90 EUC-KR bytes
    LMS = "lms"  # up to 2,000 EUC-KR bytes


class MessageState(StrEnum):
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


# Not yet handed to the UMS: a batch can still be cancelled while every message is in one of these.
NOT_SENT_STATES = frozenset({MessageState.SCHEDULED, MessageState.QUEUED})
FINAL_STATES = frozenset({MessageState.DELIVERED, MessageState.FAILED, MessageState.CANCELLED, MessageState.UNKNOWN})


@dataclass(frozen=True, slots=True)
class RecipientSelection:
    """Who a batch goes to: a kind of person, narrowed to complexes, one dong or (representatives) one
    position such as 회장. Empty ``complex_ids`` and no dong mean every complex the actor may reach.
    ``kind="saved"`` names one of the actor's saved lists by ``list_id`` instead. The representatives of
    community organisations (``organization_leaders``) are narrowed by dong, 분야 (``field``), 유형
    (``legal_type``) or chosen organisations (``organization_ids``) instead of complexes."""

    kind: RecipientKind
    complex_ids: tuple[int, ...] = ()
    admin_dong_id: int | None = None
    position: str | None = None
    list_id: int | None = None
    field: str | None = None
    legal_type: str | None = None
    organization_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TextSize:
    """The message type a text needs, by its length in EUC-KR bytes (what the carriers count)."""

    message_type: MessageType
    byte_length: int
    byte_limit: int  # of that type
    unencodable: tuple[str, ...]  # characters EUC-KR cannot carry (emoji, rare Hanja): shown as '?' on phones


@dataclass(frozen=True, slots=True)
class SmsCandidate:
    """A person a selection reaches (from the registry or a saved list, or given by hand), before the
    recipient rules check the number: it may be missing or not a mobile."""

    name: str
    phone: str | None
    complex_id: int | None
    complex_name: str | None
    position: str | None = None  # a representative's 직위


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    phone: str  # national form, digits only: 01012345678
    complex_id: int | None
    complex_name: str | None
    position: str | None = None  # a representative's 직위 (회장, 감사, …), as the registry names it


@dataclass(frozen=True, slots=True)
class RecipientLine:
    """One person of the preview's list of recipients (받는 사람 보기). ``kind`` is how the selection reached
    them (None for a saved list's people); ``phone`` is 010-1234-5678, masked unless the reader may see it."""

    name: str
    kind: RecipientKind | None
    position: str | None
    complex_name: str | None
    phone: str


@dataclass(frozen=True, slots=True)
class InvalidRecipient:
    """Someone selected but left out: the number given is not a Korean mobile."""

    name: str
    complex_name: str | None
    phone: str


@dataclass(frozen=True, slots=True)
class RecipientList:
    recipients: tuple[Recipient, ...]
    invalid: tuple[InvalidRecipient, ...]
    without_phone: int  # selected people with no number at all
    duplicates_merged: int  # extra rows for a phone already in the list
    outside_scope: int = 0  # a saved list's people in complexes beyond the sender's sms.send dongs, left out


@dataclass(frozen=True, slots=True)
class SmsPreview:
    recipient_count: int
    recipients: tuple[Recipient, ...]
    invalid: tuple[InvalidRecipient, ...]
    without_phone: int
    duplicates_merged: int
    size: TextSize
    sender_number: str
    sample: str | None  # the text personalised for the first recipient
    scheduled_at: datetime | None  # None: now
    night_warning: bool  # goes out between 21:00 and 08:00 office time
    ums_configured: bool
    outside_scope: int = 0
    subject: str | None = None  # an LMS's subject as it will be sent (the one given, or the default); SMS: None
    default_subject: str | None = None  # an LMS's subject when none is given: its first line, shortened

    @property
    def message_type(self) -> MessageType:
        return self.size.message_type


@dataclass(frozen=True, slots=True)
class StateCounts:
    scheduled: int = 0
    queued: int = 0
    submitted: int = 0
    delivered: int = 0
    failed: int = 0
    cancelled: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return (
            self.scheduled + self.queued + self.submitted + self.delivered + self.failed + self.cancelled + self.unknown
        )

    @property
    def pending(self) -> int:
        """Not yet out of our hands (scheduled or queued)."""
        return self.scheduled + self.queued

    @property
    def sent(self) -> int:
        """Accepted by the UMS, whatever became of them afterwards."""
        return self.submitted + self.delivered + self.failed_after_submit + self.unknown

    # Failed messages are counted once under ``failed``; those failed before the UMS accepted them are
    # not "sent". The service fills this in from the rows.
    failed_after_submit: int = 0


@dataclass(frozen=True, slots=True)
class BatchSummary:
    id: int
    created_at: datetime
    created_by_name: str
    text_head: str  # first characters, for a list
    message_type: MessageType
    scheduled_at: datetime | None
    cancelled_at: datetime | None
    counts: StateCounts
    ums_configured: bool
    cancellable: bool = False


@dataclass(frozen=True, slots=True)
class BatchView:
    id: int
    created_at: datetime
    created_by_id: int
    created_by_name: str
    text: str
    message_type: MessageType
    byte_length: int
    sender_number: str
    scheduled_at: datetime | None
    cancelled_at: datetime | None
    description: dict[str, object]  # the selection, invalid / without-phone counts at send time
    counts: StateCounts
    ums_configured: bool  # False: "UMS not configured: not sent"
    cancellable: bool
    replayed: bool = False  # the answer to a request made before under the same request key
    subject: str | None = None  # an LMS's subject (제목); an SMS has none


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    name: str
    phone: str  # masked unless the reader holds pii.view
    complex_name: str | None
    state: MessageState
    state_changed_at: datetime
    attempts: int
    failure_reason: str | None
    due_at: datetime


@dataclass(frozen=True, slots=True)
class SavedList:
    """A saved recipient list (저장된 수신자 목록), owned by the staff member who saved it."""

    id: int
    owner_id: int
    name: str
    created_at: datetime
    entry_count: int


@dataclass(frozen=True, slots=True)
class SavedListResult:
    """A list just saved, with the people left out of it (numbers that are not Korean mobiles)."""

    saved: SavedList
    invalid: tuple[InvalidRecipient, ...]
    without_phone: int
    duplicates_merged: int


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One person given by hand (the JSON API), before it is cleaned into an ``SmsCandidate``: no complex id,
    since nobody typed one."""

    name: str
    phone: str
    complex_name: str | None = None


# -- the outbox as the repository keeps it ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch as stored; ``BatchView`` is what a reader is shown of it (with its counts)."""

    id: int
    created_by_id: int
    created_by_name: str
    created_at: datetime
    text: str
    message_type: str
    byte_length: int
    sender_number: str
    scheduled_at: datetime | None
    description: dict[str, object]
    recipient_count: int
    cancelled_at: datetime | None
    request_digest: str | None = None
    subject: str | None = None
    via_ums: bool = True


@dataclass(frozen=True, slots=True)
class Message:
    """One recipient's message as stored, with its batch's type, sender and subject for the dispatcher;
    ``MessageView`` is what a reader is shown of it (the phone masked)."""

    id: int
    batch_id: int
    name: str
    phone: str
    complex_name: str | None
    body: str
    idempotency_key: str
    state: str
    due_at: datetime
    attempts: int
    last_error: str | None
    state_changed_at: datetime
    submitted_at: datetime | None
    ums_message_id: str | None
    failure_reason: str | None
    message_type: str = "sms"
    sender_number: str = ""
    subject: str | None = None  # the batch's, for an LMS


@dataclass(frozen=True, slots=True)
class OverdueBatch:
    batch_id: int
    created_by_id: int
    overdue: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A delivery report as the UMS sent it (pushed or polled), naming its message either way."""

    report_id: str  # unique per report, for duplicate protection
    ums_message_id: str | None
    idempotency_key: str | None
    delivered: bool
    reason: str | None = None


# -- changes the outbox writes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewMessage:
    name: str
    phone: str
    complex_name: str | None
    body: str
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class NewBatch:
    """A batch to write with its messages: queued at ``created_at``, or scheduled for ``scheduled_at``.
    ``request_key`` (with the request's digest) makes a retried request find the batch it made."""

    created_by_id: int
    created_at: datetime
    text: str
    message_type: MessageType
    byte_length: int
    subject: str | None
    sender_number: str
    scheduled_at: datetime | None
    description: dict[str, object]
    messages: tuple[NewMessage, ...]
    request_key: str | None = None
    request_digest: str | None = None
    via_ums: bool = True


@dataclass(frozen=True, slots=True)
class Acceptance:
    """The UMS accepted a message, naming it ``ums_message_id`` if it gave a name."""

    message_id: int
    idempotency_key: str
    ums_message_id: str | None


@dataclass(frozen=True, slots=True)
class Retry:
    """A message to try again at ``next_attempt_at``, after ``error``."""

    message_id: int
    error: str
    next_attempt_at: datetime
