"""The benchmarking vocabulary (GLOSSARY §3) and the values its services take and return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.benchmark.records import AttachmentRecord, CaseListRecord, CountRow, EventRecord, NamedRef, OfficerRecord

__all__ = [
    "Adoption",
    "AttachmentFile",
    "AttachmentRecord",
    "CaseAction",
    "CaseDraft",
    "CaseEdit",
    "CaseFilter",
    "CaseListRecord",
    "CaseState",
    "CaseView",
    "CountRow",
    "EventRecord",
    "NamedRef",
    "OfficerRecord",
    "ProgressResult",
    "Registered",
    "WorkDraft",
]


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
class CaseFilter:
    """목록 filters. ``text`` is a management number (or its start, ``2016-1``) or part of a title."""

    year: int | None = None
    quarter: int | None = None
    department_id: int | None = None
    adoption: Adoption | None = None
    state: CaseState | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class CaseView:
    """One case as the actor may see it, with what the actor may do to it now."""

    id: int
    case_no: str
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
    draft: WorkDraft | None  # only shown to those who may act on it
    version: int
    attachments: tuple[AttachmentRecord, ...]
    actions: frozenset[CaseAction]

    def may(self, action: CaseAction) -> bool:
        return action in self.actions


@dataclass(frozen=True, slots=True)
class Registered:
    case: CaseView
    officer_notice_queued: bool  # in the outbox, not yet delivered: the bot sends it after the commit


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    info: AttachmentRecord
    content: bytes
