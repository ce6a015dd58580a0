"""Where a 문자 보내기 to community organisations' representatives reaches (the report's 2-다): every
organisation, one dong, one 분야 or 유형, or organisations found by name and ticked. Part of the ``sms_compose``
dialogue; its states are that dialogue's. What is offered is what the sender's ``sms.send`` and
``community.read`` grants cover; a button for another (an old message, forged data) is refused, and core
refuses it again."""

from __future__ import annotations

from telegram import Update

from conversations.context import DongneContext
from conversations.keyboards import button, markup, page_row, rows
from conversations.replies import answer, report, say, show
from conversations.sms.buttons import FIELD, LEGAL_TYPE, ORGANIZATION, ORGANIZATION_PAGE, ORGANIZATIONS_DONE
from conversations.sms.draft import MAX_COMPLEXES, State, cancel_row, draft_of, resolved
from core.community.values import LEGAL_TYPES, ORGANIZATION_FIELDS
from core.errors import DongneError
from core.texts.i18n import t, t_plain


async def _invalid(update: Update, context: DongneContext) -> None:
    await answer(update, context, "common.button_invalid", alert=True)


async def ask_field(update: Update, context: DongneContext) -> State:
    lang = context.lang
    picks = [button(t_plain(lang, f"cm.field.{f}"), FIELD(f)) for f in ORGANIZATION_FIELDS]
    await say(update, context, t(lang, "sms.new.ask_field"), markup(*rows(picks, 2), cancel_row(lang)))
    return State.FIELD


async def ask_legal_type(update: Update, context: DongneContext) -> State:
    lang = context.lang
    picks = [button(t_plain(lang, f"cm.legal_type.{c}"), LEGAL_TYPE(c)) for c in LEGAL_TYPES]
    await say(update, context, t(lang, "sms.new.ask_legal_type"), markup(*rows(picks, 2), cancel_row(lang)))
    return State.LEGAL_TYPE


async def on_field(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    values = FIELD.parse(query.data)
    if values is None or values[0] not in ORGANIZATION_FIELDS:
        await _invalid(update, context)
        return State.FIELD
    await answer(update, context)
    draft_of(context)["field"] = values[0]
    await show(
        update, context, t(context.lang, "sms.new.chosen_field", field=t_plain(context.lang, f"cm.field.{values[0]}"))
    )
    return await resolved(update, context)


async def on_legal_type(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    values = LEGAL_TYPE.parse(query.data)
    if values is None or values[0] not in LEGAL_TYPES:
        await _invalid(update, context)
        return State.LEGAL_TYPE
    await answer(update, context)
    draft_of(context)["legal_type"] = values[0]
    chosen = t_plain(context.lang, f"cm.legal_type.{values[0]}")
    await show(update, context, t(context.lang, "sms.new.chosen_legal_type", legal_type=chosen))
    return await resolved(update, context)


async def ask_organizations(update: Update, context: DongneContext) -> State:
    """The name to search organisations by, or once one was typed, the page of them last shown."""
    draft = draft_of(context)
    if draft.get("organization_query"):
        return await _page(update, context, int(draft.get("organization_page", 0)), edit=False)
    lang = context.lang
    await say(update, context, t(lang, "sms.new.ask_organization", limit=MAX_COMPLEXES), markup(cancel_row(lang)))
    return State.ORGANIZATIONS


async def _page(update: Update, context: DongneContext, page: int, *, edit: bool) -> State:
    lang, draft = context.lang, draft_of(context)
    query = str(draft.get("organization_query", ""))
    try:
        found = await context.services.sms_organizations.find(context.staff(), query, page)
    except DongneError as error:
        await report(update, context, error)
        return State.ORGANIZATIONS
    draft["organization_page"] = found.number
    chosen: dict[str, str] = draft.setdefault("organizations", {})
    picks = [
        button(
            ("✅ " if str(o.id) in chosen else "▫️ ") + f"{o.name} ({o.admin_dong})", ORGANIZATION(o.id, found.number)
        )
        for o in found.items
    ]
    pager = page_row(lang, found, (ORGANIZATION_PAGE(page - 1), ORGANIZATION_PAGE(page + 1)))
    done = button(t_plain(lang, "sms.new.organizations_done", count=len(chosen)), ORGANIZATIONS_DONE())
    body = t(lang, "sms.new.organization_results", query=query, total=found.total, count=len(chosen))
    await (show if edit else say)(update, context, body, markup(*rows(picks, 1), pager, [done], cancel_row(lang)))
    return State.ORGANIZATIONS


async def on_query(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    draft_of(context)["organization_query"] = update.message.text or ""
    return await _page(update, context, 0, edit=False)


async def on_button(update: Update, context: DongneContext) -> State:
    """A tick (or untick) of an organisation, or a page of the results."""
    query = update.callback_query
    assert query is not None
    draft = draft_of(context)
    if (page := ORGANIZATION_PAGE.parse(query.data)) and page[0] >= 0:
        await answer(update, context)
        return await _page(update, context, page[0], edit=True)
    values = ORGANIZATION.parse(query.data)
    found = None
    if values and draft.get("organization_query"):
        try:
            results = await context.services.sms_organizations.find(
                context.staff(), draft["organization_query"], values[1]
            )
            found = next((o for o in results.items if o.id == values[0]), None)
        except DongneError:
            found = None
    chosen: dict[str, str] = draft.setdefault("organizations", {})
    if found is None or values is None:
        await _invalid(update, context)
        return State.ORGANIZATIONS
    if str(found.id) in chosen:
        chosen.pop(str(found.id))
    elif len(chosen) >= MAX_COMPLEXES:
        await answer(update, context, "sms.new.too_many_organizations", alert=True, limit=MAX_COMPLEXES)
        return State.ORGANIZATIONS
    else:
        chosen[str(found.id)] = found.name
    await answer(update, context)
    return await _page(update, context, values[1], edit=True)


async def on_done(update: Update, context: DongneContext) -> State:
    if not draft_of(context).get("organizations"):
        await answer(update, context, "sms.new.none_chosen_organization", alert=True)
        return State.ORGANIZATIONS
    await answer(update, context)
    return await resolved(update, context)
