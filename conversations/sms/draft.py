"""The 문자 보내기 draft (who, where, which position, the text, when) and the screens the dialogue shows
between its steps. The draft lives in the user's data, so a restart loses nothing."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from conversations.context import DongneContext
from conversations.dialogue import scratch
from conversations.keyboards import button, markup, rows
from conversations.replies import report, say, show
from conversations.sms.buttons import (
    BACK_TO_PREVIEW,
    CANCEL,
    DEFAULT_SUBJECT,
    KIND,
    POSITION,
    RECIPIENTS,
    REPICK,
    RESULTS,
    RETEXT,
    SAVE_LIST,
    SCHEDULE,
    SCHEDULED,
    SCOPE,
    SEND,
    SEND_NOW,
    SUBJECT,
)
from conversations.sms.view import render_confirm, render_preview, render_resolved, render_subject_ask, scope_text
from core.errors import DongneError, InvalidInput
from core.permissions import Permission, can
from core.sms.values import (
    COMMUNITY_KINDS,
    RECIPIENT_KINDS,
    SELECTION_KINDS,
    MessageType,
    RecipientKind,
    RecipientSelection,
    SmsPreview,
)
from core.texts.i18n import grouped, t, t_plain

DRAFT_KEY = "sms_new"
# A selection of complexes by name stays a short list; a wider one is a dong or every complex.
MAX_COMPLEXES = 30


class State(StrEnum):
    KIND = "kind"
    SCOPE = "scope"
    DONG = "dong"
    COMPLEXES = "complexes"
    POSITION = "position"
    TEXT = "text"
    PREVIEW = "preview"
    SCHEDULE = "schedule"
    CONFIRM = "confirm"
    LISTS = "lists"  # the staff member's saved lists, to choose or delete one
    LIST_NAME = "list_name"  # the name to save the chosen people under
    SUBJECT = "subject"  # an LMS's subject (제목)
    ORGANIZATIONS = "organizations"  # community organisations found by name, to tick
    FIELD = "field"  # a 분야 of community organisations
    LEGAL_TYPE = "legal_type"  # a 유형 of community organisations


def draft_of(context: DongneContext) -> dict[str, Any]:
    return scratch(context, DRAFT_KEY)


def cancel_row(lang: str, *extra: InlineKeyboardButton) -> list[InlineKeyboardButton]:
    return [*extra, button(t_plain(lang, "sms.new.cancel"), CANCEL())]


def choose_anew(context: DongneContext, **choice: Any) -> dict[str, Any]:
    """A new choice of people (``choice``, maybe none yet) in place of the old; what was written is kept."""
    draft = draft_of(context)
    kept = {key: draft[key] for key in ("text", "subject") if draft.get(key)}
    draft.clear()
    draft.update(choice)
    draft.update(kept)
    return draft


def selection_of(draft: dict[str, Any]) -> RecipientSelection:
    kind = draft.get("kind")
    if kind == "saved" and draft.get("list_id") is not None:
        return RecipientSelection(kind="saved", list_id=int(draft["list_id"]))
    if kind not in RECIPIENT_KINDS:
        raise InvalidInput("sms_selection_incomplete")
    scope = draft.get("scope")
    if kind in COMMUNITY_KINDS:
        return RecipientSelection(
            kind=cast(RecipientKind, kind),
            admin_dong_id=int(draft["dong_id"]) if scope == "dong" else None,
            field=draft.get("field") if scope == "field" else None,
            legal_type=draft.get("legal_type") if scope == "type" else None,
            organization_ids=tuple(int(i) for i in draft.get("organizations", {})) if scope == "org" else (),
        )
    return RecipientSelection(
        kind=cast(RecipientKind, kind),
        complex_ids=tuple(int(i) for i in draft.get("complexes", {})) if scope == "cx" else (),
        admin_dong_id=int(draft["dong_id"]) if scope == "dong" else None,
        position=draft.get("position") if kind == "representatives" else None,
    )


async def preview_of(
    context: DongneContext, text: str, scheduled_at: datetime | None = None, *, subject: str | None = None
) -> SmsPreview:
    return await context.services.sms.preview(
        context.staff(), selection_of(draft_of(context)), text, scheduled_at, subject=subject
    )


# -- screens -----------------------------------------------------------------------------------------


async def ask_kind(update: Update, context: DongneContext) -> State:
    lang = context.lang
    # The community's representatives only for a sender who may read the community register (core checks too).
    reads_community = can(context.staff(), Permission.COMMUNITY_READ)
    offered = [kind for kind in SELECTION_KINDS if kind not in COMMUNITY_KINDS or reads_community]
    kinds = [button(t_plain(lang, f"sms.kind_button.{kind}"), KIND(kind)) for kind in offered]
    results = [
        button(t_plain(lang, "sms.new.results"), RESULTS(0)),
        button(t_plain(lang, "sms.new.scheduled"), SCHEDULED(0)),
    ]
    await say(update, context, t(lang, "sms.new.ask_kind"), markup(*rows(kinds, 1), results, cancel_row(lang)))
    return State.KIND


async def ask_scope(update: Update, context: DongneContext, *, edit: bool = False) -> State:
    """Where the kind of people in the draft are to be reached: every complex, one dong, or by name."""
    lang = context.lang
    kind = draft_of(context).get("kind")
    if kind in COMMUNITY_KINDS:
        offered = ("all", "dong", "field", "type", "org")
        scopes = [button(t_plain(lang, f"sms.scope_button.organization_{s}"), SCOPE(s)) for s in offered]
    else:
        scopes = [button(t_plain(lang, f"sms.scope_button.{s}"), SCOPE(s)) for s in ("all", "dong", "cx")]
    text = t(lang, "sms.new.ask_scope", kind=t_plain(lang, f"sms.kind.{kind}"))
    await (show if edit else say)(update, context, text, markup(*rows(scopes, 3), cancel_row(lang)))
    return State.SCOPE


async def after_scope(update: Update, context: DongneContext) -> State:
    lang, draft = context.lang, draft_of(context)
    if draft.get("kind") == "representatives":
        try:
            positions = await context.services.sms.positions(context.staff())
        except DongneError as error:
            await report(update, context, error)
            return await ask_kind(update, context)
        # Offered by index: a position's name may not fit in a button's 64 bytes of data.
        draft["positions"] = list(positions)
        picks = [button(t_plain(lang, "sms.scope.all_positions"), POSITION("*"))]
        picks += [button(p, POSITION(i)) for i, p in enumerate(positions)]
        await say(update, context, t(lang, "sms.new.ask_position"), markup(*rows(picks, 3), cancel_row(lang)))
        return State.POSITION
    return await resolved(update, context)


def save_row(lang: str, draft: dict[str, Any]) -> list[InlineKeyboardButton]:
    """💾 목록 저장, unless the people already are a saved list."""
    savable = draft.get("kind") != "saved" and draft.get("kind") not in COMMUNITY_KINDS
    return [button(t_plain(lang, "sms.lists.save"), SAVE_LIST())] if savable else []


def ask_text(lang: str, draft: dict[str, Any]) -> str:
    """What to type. For organisations' representatives {단지명} stands for the organisation's name, which the
    housing wording ("단지명") would not tell a 마을공동체과 clerk."""
    key = "sms.new.ask_text_organizations" if draft.get("kind") in COMMUNITY_KINDS else "sms.new.ask_text"
    return t(lang, key)


def text_prompt_keyboard(lang: str, draft: dict[str, Any]) -> InlineKeyboardMarkup:
    repick = button(t_plain(lang, "sms.new.repick"), REPICK())
    return markup(save_row(lang, draft), cancel_row(lang, repick))


async def resolved(update: Update, context: DongneContext) -> State:
    """The selection resolved, then the request for the text (or a new choice when nobody is reachable)."""
    lang, draft = context.lang, draft_of(context)
    try:
        found = await context.services.sms.resolve(context.staff(), selection_of(draft))
    except DongneError as error:
        await report(update, context, error)
        return await ask_kind(update, context)
    body = render_resolved(lang, scope_text(lang, draft), found)
    if not found.recipients:
        repick = button(t_plain(lang, "sms.new.repick"), REPICK())
        await say(update, context, body + "\n" + t(lang, "sms.new.nobody"), markup(cancel_row(lang, repick)))
        return State.TEXT
    await say(update, context, body + "\n\n" + ask_text(lang, draft), text_prompt_keyboard(lang, draft))
    return State.TEXT


async def show_preview(
    update: Update,
    context: DongneContext,
    *,
    edit: bool = False,
    text: str | None = None,
    subject: str | None = None,
    default_subject: bool = False,
) -> State:
    """The preview of the draft's text, or of a new ``text``, which the draft keeps once core accepts it. An
    LMS without a subject asks for one first; a ``subject`` typed (or the ``default_subject``) is kept once
    core accepts it, and a new text drops the old text's subject."""
    lang, draft = context.lang, draft_of(context)
    candidate = str(draft.get("text", "")) if text is None else text
    kept = None if text is not None or default_subject else draft.get("subject")
    try:
        preview = await preview_of(context, candidate, subject=subject if subject is not None else kept)
    except DongneError as error:
        await report(update, context, error)
        return State.SUBJECT if subject is not None else State.TEXT
    draft["text"] = candidate
    draft.pop("scheduled_at", None)
    if subject is not None or default_subject:
        draft["subject"] = preview.subject
    elif text is not None:
        draft.pop("subject", None)
    if preview.message_type is MessageType.LMS and not draft.get("subject"):
        return await ask_subject(update, context, preview=preview, edit=edit)
    body = render_preview(lang, context.services.clock, scope_text(lang, draft), preview)
    recipients = grouped(preview.recipient_count)
    keyboard = markup(
        [button(t_plain(lang, "sms.new.recipients", count=recipients), RECIPIENTS(0))]
        if preview.recipient_count
        else [],
        [button(t_plain(lang, "sms.new.send_now"), SEND_NOW()), button(t_plain(lang, "sms.new.schedule"), SCHEDULE())],
        [button(t_plain(lang, "sms.new.retext"), RETEXT()), button(t_plain(lang, "sms.new.repick"), REPICK())],
        [button(t_plain(lang, "sms.new.change_subject"), SUBJECT())] if preview.subject is not None else [],
        save_row(lang, draft),
        cancel_row(lang),
    )
    await (show if edit else say)(update, context, body, keyboard)
    return State.PREVIEW


async def ask_subject(
    update: Update, context: DongneContext, *, preview: SmsPreview | None = None, edit: bool = False
) -> State:
    """An LMS's subject: typed, or the default (its first line) from a button; the text can still be changed."""
    lang, draft = context.lang, draft_of(context)
    if preview is None:
        try:
            preview = await preview_of(context, str(draft.get("text", "")))
        except DongneError as error:
            await report(update, context, error)
            return State.TEXT
    current = draft.get("subject")
    keyboard = markup(
        [button(t_plain(lang, "sms.subject.use_default"), DEFAULT_SUBJECT())],
        [button(t_plain(lang, "sms.new.back_preview"), BACK_TO_PREVIEW())] if current else [],
        cancel_row(lang, button(t_plain(lang, "sms.new.retext"), RETEXT())),
    )
    await (show if edit else say)(update, context, render_subject_ask(lang, preview, current), keyboard)
    return State.SUBJECT


def scheduled_of(draft: dict[str, Any]) -> datetime | None:
    return datetime.fromisoformat(draft["scheduled_at"]) if draft.get("scheduled_at") else None


async def confirm(
    update: Update, context: DongneContext, scheduled_at: datetime | None, *, again: bool = False
) -> State:
    """The last question before sending; ``again`` asks the draft's confirmation anew, below, and keeps its
    보내기 (an earlier screen's included) valid."""
    lang, draft = context.lang, draft_of(context)
    preview = await preview_of(context, str(draft.get("text", "")), scheduled_at, subject=draft.get("subject"))
    draft["scheduled_at"] = preview.scheduled_at.isoformat() if preview.scheduled_at else None
    if not (again and draft.get("nonce")):
        draft["nonce"] = secrets.token_hex(4)
    # Kept with the draft (and so across a restart): a send repeated after a crash returns the same batch.
    draft.setdefault("request_key", "bot-" + secrets.token_hex(16))
    keyboard = markup(
        [button(t_plain(lang, "sms.new.send"), SEND(draft["nonce"]))],
        cancel_row(lang, button(t_plain(lang, "sms.new.back_preview"), BACK_TO_PREVIEW())),
    )
    body = render_confirm(lang, context.services.clock, scope_text(lang, draft), preview)
    await (say if again else show)(update, context, body, keyboard)
    return State.CONFIRM
