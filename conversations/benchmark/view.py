"""How a benchmarking case looks in the chat: its card, its list line, its history, and the buttons
for what the reader may do with it now (core decides which; hiding a button is not the check)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from conversations.benchmark.buttons import (
    APPROVE,
    ATTACH,
    BACK_TO_LIST,
    EDIT,
    FILE_LIST,
    FULL,
    HISTORY,
    OPEN,
    PROGRESS,
    RETURN,
    REVIEW,
    WITHDRAW,
)
from conversations.keyboards import button, markup, rows
from conversations.layout import EXCERPT, excerpt, fit_lines, when
from core.benchmark.values import Case, CaseAction, CaseEvent, CaseListItem
from core.clock import Clock
from core.texts.i18n import t, t_plain

TITLE_ON_BUTTON = 28
# Actions whose name already says the state they lead to (등록, 승인요청, 승인, 반려): the history
# shows the state after the others only, so no line reads "등록 → 등록".
NAMES_ITS_STATE = frozenset({"register", "request_approval", "approve", "return"})


def state_label(lang: str, state: str) -> str:
    return t_plain(lang, f"bm.state.{state}")


def adoption_label(lang: str, adoption: str | None) -> str:
    return t_plain(lang, f"bm.adoption.{adoption}") if adoption else t_plain(lang, "bm.none")


def result_label(lang: str, result: str | None) -> str:
    return t_plain(lang, f"bm.result.{result}") if result else t_plain(lang, "bm.none")


def short_title(title: str) -> str:
    return title if len(title) <= TITLE_ON_BUTTON else title[: TITLE_ON_BUTTON - 1] + "…"


def render_card(lang: str, clock: Clock, case: Case) -> str:
    """벤치마킹 상세: what the case is, who has it, the review, the progress and the decision."""
    lines = [
        t(lang, "bm.card.head", case_no=case.case_no, title=case.title),
        # A case never sent for approval has nothing to count: "0회" would only be noise.
        t(lang, "bm.card.state_round", state=state_label(lang, case.state), round=case.approval_round)
        if case.approval_round
        else t(lang, "bm.card.state", state=state_label(lang, case.state)),
        t(
            lang,
            "bm.card.assignment",
            department=case.department.name,
            officer=case.officer.name if case.officer else t_plain(lang, "bm.none"),
        ),
        t(lang, "bm.card.registered", at=when(clock, case.registered_at), by=case.registered_by.name),
    ]
    if case.source:
        lines.append(t(lang, "bm.card.source", source=case.source))
    if case.summary:
        lines.append(t(lang, "bm.card.summary", summary=excerpt(case.summary)))
    if case.adoption:
        lines.append(
            t(
                lang,
                "bm.card.review",
                adoption=adoption_label(lang, case.adoption),
                at=when(clock, case.reviewed_at),
                by=case.reviewed_by.name if case.reviewed_by else "",
                opinion=excerpt(case.review_opinion),
            )
        )
    if case.progress_result:
        lines.append(
            t(
                lang,
                "bm.card.progress",
                result=result_label(lang, case.progress_result),
                note=excerpt(case.progress_note),
            )
        )
    if case.approval_requested_at and case.approval_requested_by:
        lines.append(
            t(lang, "bm.card.requested", at=when(clock, case.approval_requested_at), by=case.approval_requested_by.name)
        )
    if case.decided_by and case.decided_at:
        key = "bm.card.approved" if case.state == "approved" else "bm.card.returned"
        lines.append(
            t(lang, key, at=when(clock, case.decided_at), by=case.decided_by.name, reason=case.return_reason or "")
        )
    if case.attachments:
        lines.append(t(lang, "bm.card.attachments", count=len(case.attachments)))
    if case.draft is not None:
        lines.append(t(lang, "bm.card.draft"))
    return "\n".join(lines)


def long_texts(case: Case) -> list[tuple[str, str]]:
    """(catalog key of the heading, text) of each long text the card shortened."""
    texts = [
        ("bm.full.summary", case.summary),
        ("bm.full.opinion", case.review_opinion),
        ("bm.full.progress", case.progress_note),
        ("bm.full.reason", case.return_reason),
    ]
    return [(key, text) for key, text in texts if text and len(text) > EXCERPT]


def case_keyboard(lang: str, case: Case, *, back: str | None = BACK_TO_LIST()) -> InlineKeyboardMarkup:
    cid = case.id
    work: list[InlineKeyboardButton] = []
    if case.may(CaseAction.APPROVE):
        work.append(button(t_plain(lang, "bm.button.approve"), APPROVE(cid, case.approval_round)))
    if case.may(CaseAction.RETURN):
        work.append(button(t_plain(lang, "bm.button.return"), RETURN(cid, case.approval_round)))
    if case.may(CaseAction.REVIEW):
        key = "bm.button.revise_review" if case.adoption else "bm.button.review"
        work.append(button(t_plain(lang, key), REVIEW(cid, case.version)))
    if case.may(CaseAction.REQUEST_APPROVAL):
        work.append(button(t_plain(lang, "bm.button.request"), PROGRESS(cid, case.version)))
    if case.may(CaseAction.WITHDRAW):
        work.append(button(t_plain(lang, "bm.button.withdraw"), WITHDRAW(cid, case.approval_round)))
    if case.may(CaseAction.EDIT):
        work.append(button(t_plain(lang, "bm.button.edit"), EDIT(cid, case.version)))
    reading = [button(t_plain(lang, "bm.button.history"), HISTORY(cid))]
    # One 📎 button: the files, with 자료 추가 among them when the reader may add one; 자료 추가 alone when
    # there are none yet.
    if case.attachments:
        reading.append(button(t_plain(lang, "bm.button.files", count=len(case.attachments)), FILE_LIST(cid)))
    elif case.may(CaseAction.ATTACH):
        reading.append(button(t_plain(lang, "bm.button.attach"), ATTACH(cid, case.version)))
    if long_texts(case):
        reading.append(button(t_plain(lang, "bm.button.full"), FULL(cid)))
    nav = [button(t_plain(lang, "bm.button.refresh"), OPEN(cid))]
    if back:
        nav.append(button(t_plain(lang, "bm.button.back_to_list"), back))
    return markup(*rows(work, 2), reading, nav)


def list_line(lang: str, number: int, row: CaseListItem) -> str:
    """One row of the seed's 검토결과 목록: 연번, 관리번호, 추진부서, 담당자, 사업명, 관련자료, 채택구분, 검토결과."""
    return t(
        lang,
        "bm.list.line",
        number=number,
        case_no=row.case_no,
        department=row.department,
        officer=row.officer or t_plain(lang, "bm.none"),
        title=row.title,
        files=t_plain(lang, "bm.list.files", count=row.attachment_count) if row.attachment_count else "",
        adoption=adoption_label(lang, row.adoption),
        state=state_label(lang, row.state),
    )


def case_button(row: CaseListItem) -> InlineKeyboardButton:
    return button(f"{row.case_no} {short_title(row.title)}", OPEN(row.id))


def render_history(lang: str, clock: Clock, case: Case, events: list[CaseEvent]) -> str:
    lines = [t(lang, "bm.history.head", case_no=case.case_no, title=case.title)]
    for event in events:
        line = t(
            lang,
            "bm.history.line",
            at=when(clock, event.at),
            actor=event.actor.name if event.actor else t_plain(lang, "bm.system"),
            action=t_plain(lang, f"bm.action.{event.action}"),
        )
        if event.state_from != event.state_to and event.state_to and event.action not in NAMES_ITS_STATE:
            line += t(lang, "bm.history.state", state=state_label(lang, event.state_to))
        for field, change in (event.changes or {}).items():
            if isinstance(change, list) and len(change) == 2:
                old, new = change
                # A first entry has no old value worth a "없음 →": say what was entered.
                line += "\n" + t(
                    lang,
                    "bm.history.change" if old not in (None, "") else "bm.history.set",
                    field=t_plain(lang, f"bm.field.{field}"),
                    old=excerpt(_shown(lang, field, old), 80),
                    new=excerpt(_shown(lang, field, new), 80),
                )
        if event.note and not event.changes:
            line += "\n" + t(lang, "bm.history.note", note=excerpt(event.note, 200))
        lines.append(line)
    return fit_lines(lang, lines)


def _shown(lang: str, field: str, value: object) -> str:
    if value is None or value == "":
        return t_plain(lang, "bm.none")
    if field == "adoption":
        return adoption_label(lang, str(value))
    if field == "progress_result":
        return result_label(lang, str(value))
    return str(value)
