"""The buttons of a complex's location (``hn:``), defined apart from their dialogue
(``conversations.housing.nearby``) because the card's keyboard (``conversations.housing.lookup``) shows them
and that dialogue opens cards."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from conversations.buttons import ButtonData, number
from conversations.keyboards import button
from core.housing.values import ComplexCard
from core.texts.i18n import t_plain

VENUE = ButtonData("hn:venue", number("complex_id"))
PLACE = ButtonData("hn:place", number("complex_id"))
RETRY = ButtonData("hn:retry", number("complex_id"))
CANCEL = ButtonData("hn:cancel")
KINDS = (VENUE, PLACE, RETRY, CANCEL)


def location_row(lang: str, card: ComplexCard) -> list[InlineKeyboardButton]:
    """📍 the complex's place as a map pin, when it has one; 📍 위치 등록/수정 for a writer covering its dong."""
    cid = card.detail.id
    row = []
    if card.detail.location is not None:
        row.append(button(t_plain(lang, "nearby.venue_button"), VENUE(cid)))
    if card.writable:
        key = "nearby.place_change_button" if card.detail.location is not None else "nearby.place_button"
        row.append(button(t_plain(lang, key), PLACE(cid)))
    return row
