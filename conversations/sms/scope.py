"""Where a 문자 보내기 selection reaches: every complex, one dong, or complexes found by name and ticked;
and for representatives, which position. Part of the ``sms_compose`` dialogue; its states are that
dialogue's. The dongs and complexes offered are those the sender's ``sms.send`` grant covers; a button for
another (an old message, forged data) is refused, and core refuses it again."""

from __future__ import annotations

from telegram import Update

from conversations.context import DongneContext
from conversations.keyboards import button, markup, page_row, rows
from conversations.replies import answer, report, say, show
from conversations.sms import organizations
from conversations.sms.buttons import COMPLEX, COMPLEX_PAGE, COMPLEXES_DONE, DONG, POSITION, SCOPE
from conversations.sms.draft import MAX_COMPLEXES, State, after_scope, cancel_row, draft_of, resolved
from core.errors import DongneError
from core.sms.values import COMMUNITY_KINDS
from core.texts.i18n import t, t_plain

HOUSING_SCOPES = ("all", "dong", "cx")
COMMUNITY_SCOPES = ("all", "dong", "field", "type", "org")


async def _dongs(context: DongneContext) -> list[tuple[int, str]]:
    """The dongs the sender may pick for the draft's kind of people: by complexes, or by organisations."""
    if draft_of(context).get("kind") in COMMUNITY_KINDS:
        return [(d.id, d.name) for d in await context.services.sms_organizations.dongs(context.staff())]
    return [(d.id, d.name) for d in await context.services.sms.dongs(context.staff())]


async def _invalid(update: Update, context: DongneContext) -> None:
    await answer(update, context, "common.button_invalid", alert=True)


async def on_scope(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    values = SCOPE.parse(query.data)
    if values is None:
        await _invalid(update, context)
        return State.SCOPE
    (scope,) = values
    draft = draft_of(context)
    if scope not in (COMMUNITY_SCOPES if draft.get("kind") in COMMUNITY_KINDS else HOUSING_SCOPES):
        await _invalid(update, context)
        return State.SCOPE
    await answer(update, context)
    draft.update(scope=scope, complexes={}, position=None, organizations={}, field=None, legal_type=None)
    if scope == "all":
        return await after_scope(update, context)
    if scope == "field":
        return await organizations.ask_field(update, context)
    if scope == "type":
        return await organizations.ask_legal_type(update, context)
    if scope == "org":
        draft.pop("organization_query", None)
        return await organizations.ask_organizations(update, context)
    if scope == "cx":
        draft.pop("query", None)
        return await ask_complexes(update, context)
    return await ask_dong(update, context)


async def ask_dong(update: Update, context: DongneContext) -> State:
    lang = context.lang
    try:
        dongs = await _dongs(context)
    except DongneError as error:
        await report(update, context, error)
        return State.SCOPE
    picks = [button(name, DONG(dong_id)) for dong_id, name in dongs]
    await say(update, context, t(lang, "sms.new.ask_dong"), markup(*rows(picks, 2), cancel_row(lang)))
    return State.DONG


async def ask_complexes(update: Update, context: DongneContext) -> State:
    """The name to search complexes by, or once one was typed, the page of them last shown."""
    draft = draft_of(context)
    if draft.get("query"):
        return await _complex_page(update, context, int(draft.get("complex_page", 0)), edit=False)
    lang = context.lang
    await say(update, context, t(lang, "sms.new.ask_complex", limit=MAX_COMPLEXES), markup(cancel_row(lang)))
    return State.COMPLEXES


async def on_dong(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    values = DONG.parse(query.data)
    try:
        dongs = await _dongs(context) if values else []
    except DongneError as error:
        await report(update, context, error)
        return State.DONG
    chosen = next(((i, name) for i, name in dongs if values and i == values[0]), None)
    if chosen is None:
        await _invalid(update, context)
        return State.DONG
    await answer(update, context)
    draft_of(context).update(dong_id=chosen[0], dong_name=chosen[1])
    await show(update, context, t(context.lang, "sms.new.chosen_dong", dong=chosen[1]))
    return await after_scope(update, context)


async def _complex_page(update: Update, context: DongneContext, page: int, *, edit: bool) -> State:
    lang, draft = context.lang, draft_of(context)
    try:
        found = await context.services.sms.find_complexes(context.staff(), str(draft.get("query", "")), page)
    except DongneError as error:
        await report(update, context, error)
        return State.COMPLEXES
    draft["complex_page"] = found.number
    chosen: dict[str, str] = draft.setdefault("complexes", {})
    picks = [
        button(("✅ " if str(c.id) in chosen else "▫️ ") + c.name, COMPLEX(c.id, found.number)) for c in found.items
    ]
    pager = page_row(lang, found, (COMPLEX_PAGE(page - 1), COMPLEX_PAGE(page + 1)))
    done = button(t_plain(lang, "sms.new.complexes_done", count=len(chosen)), COMPLEXES_DONE())
    body = t(lang, "sms.new.complex_results", query=draft.get("query", ""), total=found.total, count=len(chosen))
    await (show if edit else say)(update, context, body, markup(*rows(picks, 1), pager, [done], cancel_row(lang)))
    return State.COMPLEXES


async def on_complex_query(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    draft_of(context)["query"] = update.message.text or ""
    return await _complex_page(update, context, 0, edit=False)


async def on_complex_button(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    draft = draft_of(context)
    if (page := COMPLEX_PAGE.parse(query.data)) and page[0] >= 0:  # never the pager's step before the first
        await answer(update, context)
        return await _complex_page(update, context, page[0], edit=True)
    values = COMPLEX.parse(query.data)
    found = None
    if values and draft.get("query"):
        try:
            results = await context.services.sms.find_complexes(context.staff(), draft["query"], values[1])
            found = next((c for c in results.items if c.id == values[0]), None)
        except DongneError:
            found = None
    chosen: dict[str, str] = draft.setdefault("complexes", {})
    if found is None or values is None:
        await _invalid(update, context)
        return State.COMPLEXES
    if str(found.id) in chosen:
        chosen.pop(str(found.id))
    elif len(chosen) >= MAX_COMPLEXES:
        await answer(update, context, "sms.new.too_many_complexes", alert=True, limit=MAX_COMPLEXES)
        return State.COMPLEXES
    else:
        chosen[str(found.id)] = found.name
    await answer(update, context)
    return await _complex_page(update, context, values[1], edit=True)


async def on_complexes_done(update: Update, context: DongneContext) -> State:
    if not draft_of(context).get("complexes"):
        await answer(update, context, "sms.new.none_chosen", alert=True)
        return State.COMPLEXES
    await answer(update, context)
    return await after_scope(update, context)


async def on_position(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    draft = draft_of(context)
    offered: list[str] = draft.get("positions") or []
    values = POSITION.parse(query.data)
    if values is None or (values[0] != "*" and int(values[0]) >= len(offered)):
        await _invalid(update, context)
        return State.POSITION
    await answer(update, context)
    draft["position"] = None if values[0] == "*" else offered[int(values[0])]
    return await resolved(update, context)
