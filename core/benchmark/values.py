"""The benchmarking vocabulary (GLOSSARY §3): the values its services take and return, and the changes they
write. Plain frozen dataclasses, so the repository hands them back and takes them as they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CaseState(StrEnum):
    REGISTERED = "registered"  # 등록
    REVIEWED = "reviewed"  # 검토완료
    APPROVAL_REQUESTED = "approval_requested"  # 승인요청
    APPROVED = "approved"  # 승인
    RETURNED = "returned"  # 반려


class Adoption(StrEnum):
    """채택구분."""

    ADOPT = "adopt"  # 도입
    ADOPT_MODIFIED = "adopt_modified"  # 수정도입
    LONG_TERM = "long_term"  # 장기검토
    NOT_ADOPTED = "not_adopted"  # 미도입


class ProgressResult(StrEnum):
    """추진결과."""

    COMPLETED = "completed"  # 추진완료
    IN_PROGRESS = "in_progress"  # 추진중
    NOT_PURSUED = "not_pursued"  # 미추진


class CaseAction(StrEnum):
    REGISTER = "register"
    EDIT = "edit"
    ATTACH = "attach"
    SAVE_DRAFT = "save_draft"
    REVIEW = "review"
    REQUEST_APPROVAL = "request_approval"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    RETURN = "return"


class CaseMeasure(StrEnum):
    """What the statistics count cases by."""

    ADOPTION = "adoption"
    PROGRESS_RESULT = "progress_result"
    STATE = "state"


@dataclass(frozen=True, slots=True)
class NamedRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Officer:
    """A staff member who takes part in benchmarking (an executing officer, a coordinator)."""

    id: int
    name: str
    department_id: int
    bound: bool  # has a Telegram account to be notified on


@dataclass(frozen=True, slots=True)
class Attachment:
    """관련자료: what is known of a file without its bytes. ``case_id`` is None while a registration is open."""

    id: int
    case_id: int | None
    kind: str
    file_name: str
    mime_type: str
    size: int
    uploaded_by_id: int
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    info: Attachment
    content: bytes
    telegram_file_id: str | None


@dataclass(frozen=True, slots=True)
class CaseDraft:
    """What the coordinator enters to register a case; ``attachment_ids`` are files already sent."""

    title: str
    summary: str | None
    source: str | None
    department_id: int
    officer_id: int | None
    attachment_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseEdit:
    """The coordinator's change to a registered case; ``None`` leaves a field as it is."""

    title: str | None = None
    summary: str | None = None
    source: str | None = None
    department_id: int | None = None
    officer_id: int | None = None


@dataclass(frozen=True, slots=True)
class WorkDraft:
    """A department's unsent review or progress report, kept so it survives an interruption."""

    adoption: Adoption | None = None
    opinion: str | None = None
    progress_result: ProgressResult | None = None
    progress_note: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "adoption": self.adoption.value if self.adoption else None,
            "opinion": self.opinion,
            "progress_result": self.progress_result.value if self.progress_result else None,
            "progress_note": self.progress_note,
        }

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> WorkDraft | None:
        if not data:
            return None
        adoption, result = data.get("adoption"), data.get("progress_result")
        opinion, note = data.get("opinion"), data.get("progress_note")
        return cls(
            adoption=Adoption(adoption) if isinstance(adoption, str) and adoption in set(Adoption) else None,
            opinion=opinion if isinstance(opinion, str) else None,
            progress_result=ProgressResult(result)
            if isinstance(result, str) and result in set(ProgressResult)
            else None,
            progress_note=note if isinstance(note, str) else None,
        )


@dataclass(frozen=True, slots=True)
class Case:
    """벤치마킹 대상 (``BenchmarkCase`` in the glossary; the table's model keeps that name). As the repository
    reads it, ``actions`` is empty; as a service hands it to an actor, ``actions`` says what the actor may do
    to it now and ``draft`` is there only for those who work on the case."""

    id: int
    case_no: str
    year: int
    quarter: int
    serial: int
    title: str
    summary: str | None
    source: str | None
    department: NamedRef
    officer: NamedRef | None
    registered_by: NamedRef
    registered_at: datetime
    state: CaseState
    adoption: Adoption | None
    review_opinion: str | None
    reviewed_at: datetime | None
    reviewed_by: NamedRef | None
    progress_result: ProgressResult | None
    progress_note: str | None
    approval_round: int
    approval_requested_at: datetime | None
    approval_requested_by: NamedRef | None
    decided_at: datetime | None
    decided_by: NamedRef | None
    return_reason: str | None
    draft: WorkDraft | None
    version: int
    updated_at: datetime
    attachments: tuple[Attachment, ...]
    actions: frozenset[CaseAction] = frozenset()

    def may(self, action: CaseAction) -> bool:
        return action in self.actions


@dataclass(frozen=True, slots=True)
class CaseListItem:
    """One row of the seed's 검토결과 목록."""

    id: int
    case_no: str
    year: int
    quarter: int
    serial: int
    department: str
    officer: str | None
    title: str
    attachment_count: int
    adoption: Adoption | None
    state: CaseState
    registered_at: datetime
    # The latest approval request: when and by whom (an approver's queue shows them).
    approval_requested_at: datetime | None = None
    approval_requested_by: str | None = None


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """목록 filters as staff choose them. ``text`` is a management number (or its start, ``2016-1``) or part
    of a title."""

    year: int | None = None
    quarter: int | None = None
    department_id: int | None = None
    adoption: Adoption | None = None
    state: CaseState | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """The cases a list or count reads: a ``CaseFilter`` resolved within what the actor may see, or a queue
    the services define. ``None`` means any; ``department_id`` also scopes a department's view."""

    year: int | None = None
    quarter: int | None = None
    department_id: int | None = None
    adoption: Adoption | None = None
    state: CaseState | None = None
    states: tuple[CaseState, ...] | None = None
    case_no_prefix: str | None = None
    title_part: str | None = None  # part of a title; spacing and case do not matter
    # Leave out requests this staff member made (an approver's queue holds only what others asked).
    not_requested_by: int | None = None


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """이력: one transition or edit of a case, as its history shows it."""

    id: int
    at: datetime
    actor: NamedRef | None
    action: str
    state_from: str | None
    state_to: str | None
    note: str | None
    changes: dict[str, object] | None


@dataclass(frozen=True, slots=True)
class CountRow:
    """One cell of a statistics table: how many cases of ``year`` and ``department`` have ``value``."""

    year: int
    department: str
    value: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Registered:
    case: Case
    officer_notice_queued: bool  # in the outbox, not yet delivered: the bot sends it after the commit


# -- what the services write ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewCase:
    """A case as registered: it starts in ``CaseState.REGISTERED``, before any approval round."""

    case_no: str
    year: int
    quarter: int
    serial: int
    title: str
    summary: str | None
    source: str | None
    department_id: int
    officer_id: int | None
    registered_by_id: int
    registered_at: datetime


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A checked file to keep; ``case_id`` is None while the registration it belongs to is open."""

    case_id: int | None
    kind: str
    file_name: str
    mime_type: str
    size: int
    sha256: str
    content: bytes
    telegram_file_id: str | None
    uploaded_by_id: int
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class NewEvent:
    """이력: one line of a case's history as written (``CaseEvent`` is how it reads back)."""

    case_id: int
    at: datetime
    actor_id: int | None
    action: str
    state_from: str | None
    state_to: str | None
    note: str | None = None
    changes: dict[str, object] | None = None


@dataclass(frozen=True, slots=True)
class LoadedCase:
    """A case written whole, its course already run (the demo's office, a benchmark's data set): as it was
    registered, and what its history has led to since; ``version`` counts the changes, as the services'."""

    registered: NewCase
    state: CaseState
    adoption: Adoption | None
    review_opinion: str | None
    reviewed_at: datetime | None
    reviewed_by_id: int | None
    progress_result: ProgressResult | None
    progress_note: str | None
    approval_round: int
    approval_requested_at: datetime | None
    approval_requested_by_id: int | None
    decided_at: datetime | None
    decided_by_id: int | None
    return_reason: str | None
    draft: WorkDraft | None
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class QuarterSerial:
    """The last serial handed out in a quarter: a load sets it so the next registration continues after it."""

    year: int
    quarter: int
    last_serial: int


@dataclass(frozen=True, slots=True)
class Assignment:
    """The department that executes a case and its officer (None: nobody named yet)."""

    department_id: int
    officer_id: int | None


@dataclass(frozen=True, slots=True)
class Correction:
    """The coordinator's corrections, checked: each field is written, or left as it is when None."""

    at: datetime
    title: str | None = None
    summary: str | None = None
    source: str | None = None
    assignment: Assignment | None = None


@dataclass(frozen=True, slots=True)
class FileAttached:
    """A file was added to the case: only the case's version moves, so a concurrent change fails."""

    at: datetime


@dataclass(frozen=True, slots=True)
class DraftSaved:
    at: datetime
    draft: WorkDraft


@dataclass(frozen=True, slots=True)
class ReviewSubmitted:
    """검토결과; ``draft`` is what remains of the department's unsent work (its progress report, if any)."""

    at: datetime
    state: CaseState
    reviewed_by_id: int
    adoption: Adoption
    opinion: str
    draft: WorkDraft | None


@dataclass(frozen=True, slots=True)
class ApprovalRequested:
    """A new approval round: the progress report goes in, and the last decision, its return reason and
    the unsent draft are cleared."""

    at: datetime
    state: CaseState
    round: int
    requested_by_id: int
    progress_result: ProgressResult
    progress_note: str


@dataclass(frozen=True, slots=True)
class RequestWithdrawn:
    at: datetime
    state: CaseState


@dataclass(frozen=True, slots=True)
class Decided:
    """승인 or 반려 of the open request; ``return_reason`` only with a return."""

    at: datetime
    state: CaseState
    decided_by_id: int
    return_reason: str | None = None


# A change that moves the case to ``state``; the others leave the state as it is.
Transition = ReviewSubmitted | ApprovalRequested | RequestWithdrawn | Decided
CaseChange = Correction | FileAttached | DraftSaved | Transition


@dataclass(frozen=True, slots=True)
class CaseInCharge:
    """A case an officer has in hand, as a handover (인사발령) lists and moves it."""

    id: int
    case_no: str
    title: str
    department_id: int
    department: str
    state: CaseState
    version: int
