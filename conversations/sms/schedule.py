"""문자예약's date and time picker, all buttons: a day (today and the next 35, a week per page), then the
hour, then the minute.

The buttons carry the date itself (``sm:dh:20261126``), so what is confirmed is the day that was shown,
even when the picker is answered after midnight. Hours already gone today are not offered, and night hours
carry a moon; core still refuses past times and times beyond 35 days whatever a button says."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from conversations.keyboards import button, markup, pager_row, rows
from conversations.sms.buttons import AT, BACK_TO_PREVIEW, CANCEL, DAY, DAY_PAGE, HOUR
from core.sms.schedule import LONGEST_AHEAD, NIGHT_ENDS, NIGHT_STARTS
from core.texts.i18n import t_plain

DAYS_PER_PAGE = 7
DAY_PAGES = -(-(LONGEST_AHEAD.days + 1) // DAYS_PER_PAGE)
MINUTES = (0, 10, 20, 30, 40, 50)


def parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def picked(data: str | None, zone: ZoneInfo) -> datetime | None:
    """The office-time instant an ``sm:at`` button names; None when the data is not a time we offer."""
    values = AT.parse(data)
    if values is None:
        return None
    day, hour, minute = parse_day(values[0]), values[1], values[2]
    if day is None or hour > 23 or minute not in MINUTES:
        return None
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def day_label(lang: str, day: date, today: date) -> str:
    label = t_plain(
        lang, "sms.schedule.day", month=day.month, day=day.day, weekday=t_plain(lang, f"sms.weekday.{day.weekday()}")
    )
    if day == today:
        label += t_plain(lang, "sms.schedule.today")
    return label


def _night(hour: int) -> bool:
    return hour >= NIGHT_STARTS or hour < NIGHT_ENDS


def _nav(lang: str, back: InlineKeyboardButton) -> list[InlineKeyboardButton]:
    return [back, button(t_plain(lang, "sms.new.cancel"), CANCEL())]


def day_keyboard(lang: str, today: date, page: int) -> InlineKeyboardMarkup:
    page = min(max(page, 0), DAY_PAGES - 1)
    first = page * DAYS_PER_PAGE
    offsets = range(first, min(first + DAYS_PER_PAGE, LONGEST_AHEAD.days + 1))
    days = [today + timedelta(days=offset) for offset in offsets]
    picks = [button(day_label(lang, day, today), DAY(f"{day:%Y%m%d}")) for day in days]
    pager = pager_row(
        lang,
        has_previous=page > 0,
        has_next=page + 1 < DAY_PAGES,
        number=page,
        count=DAY_PAGES,
        data_for=(DAY_PAGE(page - 1), DAY_PAGE(page + 1)),
    )
    return markup(
        *rows(picks, 2), pager, _nav(lang, button(t_plain(lang, "sms.schedule.back_preview"), BACK_TO_PREVIEW()))
    )


def hour_keyboard(lang: str, day: date, now: datetime) -> InlineKeyboardMarkup:
    first = now.hour if day == now.date() else 0
    picks = [
        button(
            t_plain(lang, "sms.schedule.hour", hour=hour) + (" 🌙" if _night(hour) else ""),
            HOUR(f"{day:%Y%m%d}", hour),
        )
        for hour in range(first, 24)
    ]
    back = button(t_plain(lang, "sms.schedule.back_day"), DAY_PAGE(0))
    return markup(*rows(picks, 4), _nav(lang, back))


def minute_keyboard(lang: str, day: date, hour: int) -> InlineKeyboardMarkup:
    picks = [button(f"{hour:02d}:{minute:02d}", AT(f"{day:%Y%m%d}", hour, minute)) for minute in MINUTES]
    back = button(t_plain(lang, "sms.schedule.back_hour"), DAY(f"{day:%Y%m%d}"))
    return markup(*rows(picks, 3), _nav(lang, back))
