"""현장에서 — a staff member in the field shares where they stand, or where a complex stands.

The journey: sharing a location (📎 → 위치) at any time lists the complexes nearest to it that the member may
see, with their distances, each a button to its card; it leaves whatever dialogue the member is in as it was.
The card's 📍 위치 보기 sends the complex's place as a Telegram venue (its name and address on a map pin). A
writer covering the complex's dong gets 📍 위치 등록/수정: the bot asks for a location and saves the next one
shared. When someone else changed the complex in between, nothing is saved: the reply names them, shows the
location registered now, and offers to save the shared one on top.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from conversations.buttons import namespace, which
from conversations.context import DongneContext
from conversations.dialogue import FOCUS_KEY, TEXT, DialogueFocus, dialogue, enter, leave, on_message
from conversations.housing.location_buttons import CANCEL, KINDS, PLACE, RETRY, VENUE
from conversations.housing.lookup import OPEN
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say
from core.errors import DongneError, InvalidInput
from core.housing.nearby import Nearest
from core.housing.values import ComplexDetail, GeoPoint
from core.texts.i18n import grouped, t, t_plain

NAME = "complex_location"
PLACING_KEY = "hn_place"  # {complex_id, name, version[, latitude, longitude]}: the complex being placed
LOCATION = filters.UpdateType.MESSAGE & filters.LOCATION


class State(StrEnum):
    AWAIT_LOCATION = "await_location"


def fmt_distance(lang: str, metres: float) -> str:
    """320m under a kilometre, 1.2km under ten, 12km beyond."""
    if metres < 1000:
        return t_plain(lang, "nearby.metres", value=grouped(round(metres)))
    kilometres = metres / 1000
    value = f"{kilometres:.1f}" if kilometres < 10 else grouped(round(kilometres))
    return t_plain(lang, "nearby.kilometres", value=value)


def fmt_point(lang: str, point: GeoPoint | None) -> str:
    if point is None:
        return t_plain(lang, "nearby.no_location")
    return t_plain(lang, "nearby.point", latitude=f"{point.latitude:.6f}", longitude=f"{point.longitude:.6f}")


def render_nearest(lang: str, found: Nearest) -> tuple[str, InlineKeyboardMarkup | None]:
    if not found.complexes:
        return t(lang, "nearby.none", radius=fmt_distance(lang, found.radius_m)), None
    lines = [t(lang, "nearby.title", count=grouped(len(found.complexes)))]
    picks = []
    for near in found.complexes:
        c, distance = near.complex, fmt_distance(lang, near.distance_m)
        lines.append(t(lang, "nearby.line", name=c.name, dong=c.admin_dong, distance=distance))
        picks.append(button(t_plain(lang, "nearby.button", name=c.name, distance=distance), OPEN(c.id)))
    return "\n".join(lines), markup(*rows(picks, 1))


# -- handlers ----------------------------------------------------------------------------------------


def _placing(context: DongneContext) -> dict[str, Any] | None:
    kept = (context.user_data or {}).get(PLACING_KEY)
    return kept if isinstance(kept, dict) else None


async def on_location(update: Update, context: DongneContext) -> object:
    """A shared location: the place of the complex being placed, if the member asked to place one and has
    not turned to another dialogue since; otherwise, where to look for the nearest complexes."""
    message = update.message
    assert message is not None and message.location is not None
    point = message.location
    placing = _placing(context)
    if placing is not None and (context.user_data or {}).get(FOCUS_KEY) == NAME:
        placing["latitude"], placing["longitude"] = point.latitude, point.longitude
        return await save(update, context, placing)
    try:
        found = await context.services.housing_field.nearest(context.staff(), point.latitude, point.longitude)
    except DongneError as error:
        await report(update, context, error)
        return None
    text, keyboard = render_nearest(context.lang, found)
    await say(update, context, text, keyboard)
    return None


async def save(update: Update, context: DongneContext, placing: dict[str, Any]) -> object:
    """Save the shared location as the complex's, at the version the member read."""
    lang = context.lang
    complex_id = int(placing["complex_id"])
    try:
        saved = await context.services.housing_field.set_location(
            context.staff(), complex_id, int(placing["version"]), placing["latitude"], placing["longitude"]
        )
    except InvalidInput as error:
        if error.code != "complex_changed_meanwhile":
            await report(update, context, error)
            return State.AWAIT_LOCATION
        return await offer_again(update, context, placing, error.params.get("by"))
    except DongneError as error:
        await report(update, context, error)
        return await leave_quietly(context)
    key = "nearby.saved" if saved.version != int(placing["version"]) else "nearby.unchanged"
    await say(update, context, t(lang, key, name=saved.name), done_keyboard(lang, complex_id))
    return await leave_quietly(context)


async def offer_again(update: Update, context: DongneContext, placing: dict[str, Any], by: object) -> object:
    """Someone changed the complex after the member read it: say who, show what stands now, and offer to
    save the shared location on top, at the version just read."""
    lang = context.lang
    complex_id = int(placing["complex_id"])
    try:
        current = await context.services.housing_field.complex_to_place(context.staff(), complex_id)
    except DongneError as error:
        await report(update, context, error)
        return await leave_quietly(context)
    placing["version"] = current.version
    text = t(
        lang,
        "nearby.changed_meanwhile",
        by=by or t_plain(lang, "nearby.someone"),
        name=current.name,
        current=fmt_point(lang, current.location),
    )
    keyboard = markup(
        [button(t_plain(lang, "nearby.retry_button"), RETRY(complex_id))],
        [button(t_plain(lang, "nearby.cancel_button"), CANCEL())],
    )
    await say(update, context, text, keyboard)
    return State.AWAIT_LOCATION


def done_keyboard(lang: str, complex_id: int) -> InlineKeyboardMarkup:
    return markup(
        [
            button(t_plain(lang, "nearby.venue_button"), VENUE(complex_id)),
            button(t_plain(lang, "nearby.open_card"), OPEN(complex_id)),
        ]
    )


async def leave_quietly(context: DongneContext) -> int:
    """The placing is over (saved, or no longer possible): the next location shared is a search again."""
    if context.user_data is not None:
        context.user_data.pop(PLACING_KEY, None)
    return ConversationHandler.END


async def ask_to_place(update: Update, context: DongneContext, complex_id: int) -> object:
    lang = context.lang
    try:
        detail = await context.services.housing_field.complex_to_place(context.staff(), complex_id)
    except DongneError as error:
        await report(update, context, error)
        return None
    assert context.user_data is not None
    context.user_data[PLACING_KEY] = {"complex_id": detail.id, "name": detail.name, "version": detail.version}
    enter(context, NAME)
    cancel_row = [button(t_plain(lang, "nearby.cancel_button"), CANCEL())]
    await say(update, context, t(lang, "nearby.ask_location", name=detail.name), markup(cancel_row))
    return State.AWAIT_LOCATION


async def send_venue(update: Update, context: DongneContext, complex_id: int) -> None:
    try:
        detail: ComplexDetail = await context.services.housing_field.located_complex(context.staff(), complex_id)
    except DongneError as error:
        await report(update, context, error)
        return
    chat = update.effective_chat
    assert chat is not None and detail.location is not None
    address = t_plain(context.lang, "nearby.venue_address", address=detail.address, dong=detail.admin_dong)
    await context.bot.send_venue(
        chat.id,
        latitude=detail.location.latitude,
        longitude=detail.location.longitude,
        title=detail.name,
        address=address,
    )


async def on_typed(update: Update, context: DongneContext) -> State:
    """Text while a location is awaited: say again what is wanted."""
    cancel_row = [button(t_plain(context.lang, "nearby.cancel_button"), CANCEL())]
    await say(update, context, t(context.lang, "nearby.ask_location_again"), markup(cancel_row))
    return State.AWAIT_LOCATION


async def on_button(update: Update, context: DongneContext) -> object:
    """Every hn: button, parsed like any user input: forged or malformed data changes nothing."""
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return None
    kind, values = found
    placing = _placing(context)
    if kind is RETRY:
        if placing is None or int(placing["complex_id"]) != values[0] or "latitude" not in placing:
            await answer(update, context, "nearby.nothing_pending", alert=True)
            return None
        await answer(update, context)
        return await save(update, context, placing)
    await answer(update, context)
    if kind is VENUE:
        await send_venue(update, context, *values)
        return None
    if kind is PLACE:
        return await ask_to_place(update, context, *values)
    # CANCEL
    if placing is None:
        await say(update, context, t(context.lang, "common.nothing_to_cancel"))
        return None
    return await leave(update, context, PLACING_KEY)


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, PLACING_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    entry = [
        MessageHandler(LOCATION, on_location),
        CallbackQueryHandler(on_button, pattern=namespace("hn")),
    ]
    return dialogue(
        NAME,
        focus,
        entry_points=entry,
        states={State.AWAIT_LOCATION: [*entry, on_message(focus, NAME, TEXT, on_typed)]},
        fallbacks=[],
        cancel=cancel,
        prompts=False,  # the nearest list and the cards it opens stay usable
    )
