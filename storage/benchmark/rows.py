"""Between the benchmarking tables and the values of core.benchmark.values: which columns a change writes, and
the values read back, built by name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.benchmark.values import (
    Adoption,
    ApprovalRequested,
    Attachment,
    Case,
    CaseChange,
    CaseListItem,
    CaseMeasure,
    CaseState,
    Correction,
    Decided,
    DraftSaved,
    FileAttached,
    LoadedCase,
    NamedRef,
    NewCase,
    ProgressResult,
    RequestWithdrawn,
    ReviewSubmitted,
    WorkDraft,
)
from storage.benchmark.models import BenchmarkAttachment, BenchmarkCase
from storage.search_keys import name_key

ATTACHMENT_COLUMNS = (
    BenchmarkAttachment.id,
    BenchmarkAttachment.case_id,
    BenchmarkAttachment.kind,
    BenchmarkAttachment.file_name,
    BenchmarkAttachment.mime_type,
    BenchmarkAttachment.size,
    BenchmarkAttachment.uploaded_by_id,
    BenchmarkAttachment.uploaded_at,
)
MEASURED = {
    CaseMeasure.ADOPTION: BenchmarkCase.adoption,
    CaseMeasure.PROGRESS_RESULT: BenchmarkCase.progress_result,
    CaseMeasure.STATE: BenchmarkCase.state,
}


def attachment_of(row: Any) -> Attachment:
    """From a row selecting ``ATTACHMENT_COLUMNS`` (or the model itself)."""
    return Attachment(
        id=row.id,
        case_id=row.case_id,
        kind=row.kind,
        file_name=row.file_name,
        mime_type=row.mime_type,
        size=row.size,
        uploaded_by_id=row.uploaded_by_id,
        uploaded_at=row.uploaded_at,
    )


def ref(ref_id: int | None, name: str | None) -> NamedRef | None:
    return NamedRef(id=ref_id, name=name) if ref_id is not None and name is not None else None


def new_case_columns(new: NewCase) -> dict[str, Any]:
    """A case as registered: in ``CaseState.REGISTERED``, before any approval round."""
    return {
        "case_no": new.case_no,
        "year": new.year,
        "quarter": new.quarter,
        "serial": new.serial,
        "title": new.title,
        "title_key": name_key(new.title),
        "summary": new.summary,
        "source": new.source,
        "department_id": new.department_id,
        "officer_id": new.officer_id,
        "registered_by_id": new.registered_by_id,
        "registered_at": new.registered_at,
        "state": CaseState.REGISTERED.value,
        "approval_round": 0,
        "updated_at": new.registered_at,
        "version": 1,
    }


def loaded_case_columns(case: LoadedCase) -> dict[str, Any]:
    """Every column of a case written whole; a bulk insert needs the same keys in each row."""
    return new_case_columns(case.registered) | {
        "state": case.state.value,
        "adoption": case.adoption.value if case.adoption is not None else None,
        "review_opinion": case.review_opinion,
        "reviewed_at": case.reviewed_at,
        "reviewed_by_id": case.reviewed_by_id,
        "progress_result": case.progress_result.value if case.progress_result is not None else None,
        "progress_note": case.progress_note,
        "approval_round": case.approval_round,
        "approval_requested_at": case.approval_requested_at,
        "approval_requested_by_id": case.approval_requested_by_id,
        "decided_at": case.decided_at,
        "decided_by_id": case.decided_by_id,
        "return_reason": case.return_reason,
        "draft": case.draft.as_json() if case.draft is not None else None,
        "updated_at": case.updated_at,
        "version": case.version,
    }


def columns_of(change: CaseChange) -> dict[str, Any]:
    """The columns a change writes, besides the version and ``updated_at`` every change sets."""
    match change:
        case Correction():
            values: dict[str, Any] = {}
            if change.title is not None:
                values |= {"title": change.title, "title_key": name_key(change.title)}
            if change.summary is not None:
                values["summary"] = change.summary
            if change.source is not None:
                values["source"] = change.source
            if change.assignment is not None:
                values |= {
                    "department_id": change.assignment.department_id,
                    "officer_id": change.assignment.officer_id,
                }
            return values
        case FileAttached():
            return {}
        case DraftSaved():
            return {"draft": change.draft.as_json()}
        case ReviewSubmitted():
            return {
                "state": change.state.value,
                "adoption": change.adoption.value,
                "review_opinion": change.opinion,
                "reviewed_at": change.at,
                "reviewed_by_id": change.reviewed_by_id,
                "draft": change.draft.as_json() if change.draft is not None else None,
            }
        case ApprovalRequested():
            return {
                "state": change.state.value,
                "progress_result": change.progress_result.value,
                "progress_note": change.progress_note,
                "approval_round": change.round,
                "approval_requested_at": change.at,
                "approval_requested_by_id": change.requested_by_id,
                "decided_at": None,
                "decided_by_id": None,
                "return_reason": None,
                "draft": None,
            }
        case RequestWithdrawn():
            return {"state": change.state.value}
        case Decided():
            values = {"state": change.state.value, "decided_at": change.at, "decided_by_id": change.decided_by_id}
            if change.return_reason is not None:
                values["return_reason"] = change.return_reason
            return values


def list_item_of(row: Any) -> CaseListItem:
    case: BenchmarkCase = row.BenchmarkCase
    return CaseListItem(
        id=case.id,
        case_no=case.case_no,
        year=case.year,
        quarter=case.quarter,
        serial=case.serial,
        department=row.department,
        officer=row.officer,
        title=case.title,
        attachment_count=int(row.attachments),
        adoption=Adoption(case.adoption) if case.adoption else None,
        state=CaseState(case.state),
        registered_at=case.registered_at,
        approval_requested_at=case.approval_requested_at,
        approval_requested_by=row.requester,
    )


def case_of(row: Any, attachments: Iterable[Attachment]) -> Case:
    """From a row of the case's model and the names of the staff and department it refers to."""
    case: BenchmarkCase = row.BenchmarkCase
    return Case(
        id=case.id,
        case_no=case.case_no,
        year=case.year,
        quarter=case.quarter,
        serial=case.serial,
        title=case.title,
        summary=case.summary,
        source=case.source,
        department=NamedRef(id=case.department_id, name=row.department),
        officer=ref(case.officer_id, row.officer),
        registered_by=NamedRef(id=case.registered_by_id, name=row.registrar),
        registered_at=case.registered_at,
        state=CaseState(case.state),
        adoption=Adoption(case.adoption) if case.adoption else None,
        review_opinion=case.review_opinion,
        reviewed_at=case.reviewed_at,
        reviewed_by=ref(case.reviewed_by_id, row.reviewer),
        progress_result=ProgressResult(case.progress_result) if case.progress_result else None,
        progress_note=case.progress_note,
        approval_round=case.approval_round,
        approval_requested_at=case.approval_requested_at,
        approval_requested_by=ref(case.approval_requested_by_id, row.requester),
        decided_at=case.decided_at,
        decided_by=ref(case.decided_by_id, row.decider),
        return_reason=case.return_reason,
        draft=WorkDraft.from_json(dict(case.draft) if case.draft else None),
        version=case.version,
        updated_at=case.updated_at,
        attachments=tuple(attachments),
    )
