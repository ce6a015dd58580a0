"""사진 추가 — a writer sends photos of a complex in the chat.

The journey: ➕ 사진 추가 (on the card, or below its album) asks for photos. The member sends them as photos or
as image files, one by one or several at once; the caption typed on a photo is kept with it. A single photo
gets a short line back. Photos picked together arrive as an album (several messages sharing one
media_group_id, handled one after another): the first gets a summary, and each next one updates that same
summary, so the chat holds one reply however many were sent. What is not a photo, is over 20 MB or is
already the complex's is said in that reply and nothing else changes. ✅ 완료 shows the card again."""

from __future__ import annotations

from enum import StrEnum

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.buttons import ButtonData
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, FILES, DialogueFocus, dialogue, enter, leave, on_message, scratch
from conversations.files import receive_file
from conversations.housing.buttons import ADD_PHOTOS
from conversations.housing.lookup import send_card
from conversations.keyboards import button, markup
from conversations.replies import answer, error_text, report, say
from core.errors import DongneError, InvalidInput, NotFound, PermissionDenied
from core.texts.i18n import grouped, t, t_plain

NAME = "housing_photo_add"
DRAFT_KEY = "hp_add"
DONE = ButtonData("hp:done")


class State(StrEnum):
    AWAIT_PHOTOS = "await_photos"


def _keyboard(lang: str) -> InlineKeyboardMarkup:
    return markup([button(t_plain(lang, "hp.done"), DONE())])


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = ADD_PHOTOS.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    (complex_id,) = values
    try:
        album = await context.services.photos.album(context.staff(), complex_id)
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    if not album.writable:
        await say(update, context, t(context.lang, "hp.not_writer"))
        return ConversationHandler.END
    enter(context, NAME)
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = {"complex_id": complex_id, "added": 0}
    text = t(context.lang, "hp.ask_photos", name=album.complex_name, count=grouped(len(album.photos)))
    await say(update, context, text, _keyboard(context.lang))
    return State.AWAIT_PHOTOS


async def on_file(update: Update, context: DongneContext) -> State | int:
    message = update.message
    assert message is not None
    draft = scratch(context, DRAFT_KEY)
    complex_id = draft.get("complex_id")
    if not isinstance(complex_id, int):
        await say(update, context, t(context.lang, "hp.add_lost"))
        return ConversationHandler.END
    outcome = await _keep(update, context, message, complex_id)
    if isinstance(outcome, DongneError):  # the complex is gone, or the member may no longer add to it
        draft.clear()
        await report(update, context, outcome)
        return ConversationHandler.END
    if outcome == "saved":
        draft["added"] = int(draft.get("added", 0)) + 1
    if message.media_group_id is None:
        await _reply_one(update, context, outcome, int(draft["added"]))
    else:
        await _reply_album(update, context, draft, message.media_group_id, outcome)
    return State.AWAIT_PHOTOS


async def _keep(update: Update, context: DongneContext, message: Message, complex_id: int) -> str | DongneError:
    """ "saved", "duplicate", the refusal's text, or the error that ends the dialogue."""
    try:
        incoming = await receive_file(message, context)
        await context.services.photos.add(
            context.staff(),
            complex_id,
            incoming.content,
            caption=message.caption,
            telegram_file_id=incoming.telegram_file_id,
            sent_as="photo" if incoming.photo else "document",
        )
    except (PermissionDenied, NotFound) as error:
        return error
    except InvalidInput as error:
        return "duplicate" if error.code == "photo_duplicate" else error_text(context.lang, error)
    return "saved"


async def _reply_one(update: Update, context: DongneContext, outcome: str, added: int) -> None:
    lang = context.lang
    if outcome == "saved":
        text = t(lang, "hp.saved_one", count=grouped(added))
    elif outcome == "duplicate":
        text = t(lang, "error.photo_duplicate")
    else:
        text = outcome
    await say(update, context, text, _keyboard(lang))


async def _reply_album(
    update: Update, context: DongneContext, draft: dict[str, object], group: str, outcome: str
) -> None:
    """One reply for the whole album: sent for its first photo, brought up to date for each next one."""
    lang = context.lang
    if draft.get("group") != group:
        draft.update(group=group, summary=None, received=0, saved=0, duplicates=0, refused=[])
    received = int(str(draft["received"])) + 1
    draft["received"] = received
    refused = draft["refused"]
    assert isinstance(refused, list)
    if outcome == "saved":
        draft["saved"] = int(str(draft["saved"])) + 1
    elif outcome == "duplicate":
        draft["duplicates"] = int(str(draft["duplicates"])) + 1
    else:
        refused.append(t(lang, "hp.album_refused", number=received, reason=outcome))
    lines = [
        t(lang, "hp.album_summary", received=received, saved=draft["saved"], added=grouped(int(str(draft["added"]))))
    ]
    if draft["duplicates"]:
        lines.append(t(lang, "hp.album_duplicates", count=draft["duplicates"]))
    lines.extend(str(line) for line in refused)
    lines.append(t(lang, "hp.more_or_done"))
    text = "\n".join(lines)
    summary = draft.get("summary")
    if isinstance(summary, list) and len(summary) == 2:
        try:
            await context.bot.edit_message_text(
                text, chat_id=summary[0], message_id=summary[1], parse_mode=ParseMode.HTML, reply_markup=_keyboard(lang)
            )
            return
        except BadRequest:  # the summary was deleted meanwhile: a new one takes its place
            pass
    sent = await say(update, context, text, _keyboard(lang))
    if sent is not None:
        draft["summary"] = [sent.chat.id, sent.message_id]


async def photos_expected(update: Update, context: DongneContext) -> State:
    await say(update, context, t(context.lang, "hp.photos_expected"), _keyboard(context.lang))
    return State.AWAIT_PHOTOS


async def on_done(update: Update, context: DongneContext) -> int:
    await answer(update, context)
    assert context.user_data is not None
    draft = context.user_data.pop(DRAFT_KEY, None) or {}
    complex_id = draft.get("complex_id")
    if isinstance(complex_id, int):
        await send_card(update, context, complex_id)
    return ConversationHandler.END


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    return dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=ADD_PHOTOS.pattern)],
        states={
            State.AWAIT_PHOTOS: [
                on_message(focus, NAME, FILES, on_file),
                CallbackQueryHandler(on_done, pattern=DONE.pattern),
                on_message(focus, NAME, ANY_MESSAGE, photos_expected),
            ],
        },
        fallbacks=[],
        cancel=cancel,
    )
