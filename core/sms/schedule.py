"""When a batch may go out: not in the past, at most 35 days ahead; a warning (not a refusal) for sends
between 21:00 and 08:00 office time, when messages disturb people at night."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.clock import Clock
from core.errors import InvalidInput

LONGEST_AHEAD = timedelta(days=35)
NIGHT_STARTS = 21
NIGHT_ENDS = 8


def check_schedule(clock: Clock, scheduled_at: datetime | None) -> datetime | None:
    """The schedule as an aware UTC instant (a naive time is read in the office's zone), or None for now."""
    if scheduled_at is None:
        return None
    if scheduled_at.tzinfo is None:
        scheduled_at = scheduled_at.replace(tzinfo=clock.zone)
    instant = scheduled_at.astimezone(UTC)
    now = clock.now()
    if instant <= now:
        raise InvalidInput("sms_schedule_past")
    if instant > now + LONGEST_AHEAD:
        raise InvalidInput("sms_schedule_too_far", days=LONGEST_AHEAD.days)
    return instant


def at_night(clock: Clock, instant: datetime | None) -> bool:
    hour = clock.local(instant or clock.now()).hour
    return hour >= NIGHT_STARTS or hour < NIGHT_ENDS
