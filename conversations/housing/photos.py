"""단지 사진 — a complex's photos seen and removed from its card.

The journey: 📷 사진 (N) on the card sends the photos back as an album, ten at a time, oldest first, each
with its caption and who added it when; a message below the album says which photos these were and offers
the next ten. A writer for the complex's dong also finds ➕ 사진 추가 (``photo_add``) and 🗑 사진 삭제 there:
the latter lists the photos by number, asks once more for the one picked, and removes it. Every button
carries what it acts on (the removal, the version the member saw), so a press on an old screen, one pressed
twice, or forged data gets a polite reply and changes nothing."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InputFile, InputMediaDocument, InputMediaPhoto, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from conversations.buttons import ButtonData, namespace, number, page, which
from conversations.context import DongneContext
from conversations.housing.buttons import ADD_PHOTOS, ALBUM
from conversations.housing.lookup import CARD
from conversations.keyboards import button, markup, pager_row, rows
from conversations.layout import excerpt, when
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.files import IMAGE_EXTENSIONS
from core.housing.photos import PhotoGone
from core.housing.values import ComplexPhotos, PhotoInfo
from core.texts.i18n import grouped, t, t_plain

log = logging.getLogger(__name__)

ALBUM_SIZE = 10  # Telegram's most per album
PICK_PAGE = 10
BUTTON_CAPTION = 24
PICK = ButtonData("hp:pick", number("complex_id"), page())
ASK = ButtonData("hp:ask", number("complex_id"), number("photo_id"), number("version"))
REMOVE = ButtonData("hp:rm", number("complex_id"), number("photo_id"), number("version"))
KINDS = (ALBUM, PICK, ASK, REMOVE)


def photo_label(lang: str, context: DongneContext, position: int, photo: PhotoInfo, *, short: bool = False) -> str:
    """One photo as the album's caption and the removal list name it (plain text: no parse mode); ``short``
    for a button, whose caption is cut to fit a phone's width."""
    caption = photo.caption or t_plain(lang, "hp.no_caption")
    return t_plain(
        lang,
        "hp.label",
        number=position,
        caption=excerpt(caption, BUTTON_CAPTION) if short else caption,
        who=photo.uploaded_by or t_plain(lang, "hp.someone"),
        at=when(context.services.clock, photo.uploaded_at),
    )


def footer_keyboard(lang: str, album: ComplexPhotos, page_number: int) -> list[list[InlineKeyboardButton]]:
    cid = album.complex_id
    pages = -(-len(album.photos) // ALBUM_SIZE)
    more = [button(t_plain(lang, "hp.next_album"), ALBUM(cid, page_number + 1))] if page_number + 1 < pages else []
    write = (
        [
            button(t_plain(lang, "hp.add_button"), ADD_PHOTOS(cid)),
            button(t_plain(lang, "hp.remove_button"), PICK(cid, 0)),
        ]
        if album.writable
        else []
    )
    return [more, write, [button(t_plain(lang, "hp.back_to_card"), CARD(cid))]]


async def send_album(update: Update, context: DongneContext, complex_id: int, page_number: int) -> None:
    """Ten photos as one album (photos and files apart: Telegram does not mix them), then where they stand."""
    lang = context.lang
    album = await context.services.photos.album(context.staff(), complex_id)
    first = page_number * ALBUM_SIZE
    shown = album.photos[first : first + ALBUM_SIZE]
    if not shown:  # no photos (any more), or a page of an older album that has since shrunk
        rest = footer_keyboard(lang, album, -1)[1:]
        if not album.photos:
            await say(update, context, t(lang, "hp.none", name=album.complex_name), markup(*rest))
            return
        again = [button(t_plain(lang, "hp.album_button", count=grouped(len(album.photos))), ALBUM(complex_id, 0))]
        await say(update, context, t(lang, "hp.outdated_page"), markup(again, *rest))
        return
    numbered = list(enumerate(shown, start=first + 1))
    for sent_as in ("photo", "document"):
        items = [(n, p) for n, p in numbered if p.sent_as == sent_as]
        if not items:
            continue
        try:
            await _send_items(update, context, sent_as, items, by_file_id=True)
        except BadRequest as error:
            # Telegram no longer knows a file id (another bot token): the same photos from the store.
            log.info("album of complex %s sent again from the store: %s", complex_id, error.message)
            await _send_items(update, context, sent_as, items, by_file_id=False)
    text = t(
        lang,
        "hp.album_footer",
        name=album.complex_name,
        first=first + 1,
        last=first + len(shown),
        total=grouped(len(album.photos)),
    )
    await say(update, context, text, markup(*footer_keyboard(lang, album, page_number)))


async def _send_items(
    update: Update, context: DongneContext, sent_as: str, items: list[tuple[int, PhotoInfo]], *, by_file_id: bool
) -> None:
    """One album (one message for a single photo), by the photos' file ids or with their bytes."""
    chat = update.effective_chat
    assert chat is not None
    lang = context.lang
    sources: list[tuple[str | InputFile, str]] = []
    for position, photo in items:
        caption = photo_label(lang, context, position, photo)
        if by_file_id and photo.telegram_file_id:
            sources.append((photo.telegram_file_id, caption))
            continue
        content = await context.services.photos.content(context.staff(), photo.complex_id, photo.id)
        name = f"{position}.{IMAGE_EXTENSIONS.get(photo.content_type, 'jpg')}"
        # An album names each upload by an attach:// part; a single photo is the request's own file.
        sources.append((InputFile(content, filename=name, attach=len(items) > 1), caption))
    if len(sources) == 1:
        source, caption = sources[0]
        if sent_as == "photo":
            await context.bot.send_photo(chat.id, source, caption=caption)
        else:
            await context.bot.send_document(chat.id, source, caption=caption)
        return
    media = [
        InputMediaPhoto(source, caption=caption) if sent_as == "photo" else InputMediaDocument(source, caption=caption)
        for source, caption in sources
    ]
    await context.bot.send_media_group(chat.id, media)


async def show_pick(update: Update, context: DongneContext, complex_id: int, page_number: int) -> None:
    """The photos by number, ten to a page, to pick the one to remove."""
    lang = context.lang
    album = await context.services.photos.album(context.staff(), complex_id)
    if not album.writable:
        await show(update, context, t(lang, "hp.not_writer"))
        return
    pages = max(1, -(-len(album.photos) // PICK_PAGE))
    if page_number >= pages:
        page_number = pages - 1
    first = page_number * PICK_PAGE
    picks = [
        button(photo_label(lang, context, n, p, short=True), ASK(complex_id, p.id, p.version))
        for n, p in enumerate(album.photos[first : first + PICK_PAGE], start=first + 1)
    ]
    text = t(lang, "hp.pick", name=album.complex_name) if album.photos else t(lang, "hp.none", name=album.complex_name)
    pager = pager_row(
        lang,
        has_previous=page_number > 0,
        has_next=page_number + 1 < pages,
        number=page_number,
        count=pages,
        data_for=(PICK(complex_id, page_number - 1), PICK(complex_id, page_number + 1)),
    )
    await show(
        update,
        context,
        text,
        markup(*rows(picks, 1), pager, [button(t_plain(lang, "hp.back_to_card"), CARD(complex_id))]),
    )


async def ask_remove(update: Update, context: DongneContext, complex_id: int, photo_id: int, version: int) -> None:
    lang = context.lang
    album = await context.services.photos.album(context.staff(), complex_id)
    found = next(((n, p) for n, p in enumerate(album.photos, start=1) if p.id == photo_id), None)
    if found is None or found[1].version != version:
        raise PhotoGone(f"photo {photo_id}")
    position, photo = found
    keyboard = markup(
        [button(t_plain(lang, "hp.remove_yes"), REMOVE(complex_id, photo_id, version))],
        [button(t_plain(lang, "hp.remove_no"), PICK(complex_id, 0))],
    )
    await show(update, context, t(lang, "hp.remove_ask", label=photo_label(lang, context, position, photo)), keyboard)


async def remove(update: Update, context: DongneContext, complex_id: int, photo_id: int, version: int) -> None:
    lang = context.lang
    removed = await context.services.photos.remove(context.staff(), complex_id, photo_id, version)
    album = await context.services.photos.album(context.staff(), complex_id)
    text = t(
        lang,
        "hp.removed",
        caption=removed.caption or t_plain(lang, "hp.no_caption"),
        total=grouped(len(album.photos)),
    )
    await show(update, context, text, markup(*footer_keyboard(lang, album, -1)[1:]))


async def on_button(update: Update, context: DongneContext) -> None:
    """Every hp: button the 사진 추가 dialogue does not take (it is tried first), parsed like typed input: forged
    or malformed data, or its 완료 on a finished screen, changes nothing."""
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None or (found[0] in (ALBUM, PICK) and found[1][1] < 0):
        await answer(update, context, "common.button_invalid", alert=True)
        return
    kind, values = found
    await answer(update, context)
    try:
        if kind is ALBUM:
            await send_album(update, context, *values)
        elif kind is PICK:
            await show_pick(update, context, *values)
        elif kind is ASK:
            await ask_remove(update, context, *values)
        else:
            await remove(update, context, *values)
    except PhotoGone:
        complex_id = values[0]
        await show(
            update,
            context,
            t(context.lang, "hp.gone"),
            markup([button(t_plain(context.lang, "hp.back_to_list"), PICK(complex_id, 0))]),
        )
    except DongneError as error:
        await report(update, context, error)


def build_handler() -> CallbackQueryHandler[DongneContext, None]:
    return CallbackQueryHandler(on_button, pattern=namespace("hp"))
