"""The office's clock: every "today", date shown and schedule is in the office's time zone,
whatever zone the server's clock is set to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass
class Clock:
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Seoul"))

    def now(self) -> datetime:
        """Aware UTC instant: what is stored."""
        return datetime.now(UTC)

    def local(self, instant: datetime | None = None) -> datetime:
        moment = instant or self.now()
        if moment.tzinfo is None:  # SQLite hands back naive UTC
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone)

    def today(self) -> date:
        return self.local().date()


@dataclass
class FixedClock(Clock):
    """A clock for tests that stands still until moved."""

    instant: datetime = field(default_factory=lambda: datetime(2026, 4, 1, tzinfo=UTC))

    def now(self) -> datetime:
        return self.instant

    def advance(self, delta: timedelta) -> None:
        self.instant += delta
