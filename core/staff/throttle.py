"""Slowing down password guessing at the admin sign-in, without letting anyone lock an admin out.

Each attempt is counted *before* its password is checked, in one short transaction that holds the
counter's row lock: the check takes ~0.1 s of memory-hard work, and counting after it let a burst of
attempts sent at once all see the count still at zero. An attempt counts as a failure until its password
proves right; then it is taken back.

Counting is per account *and* client address: a few free failures, then each further attempt from that
pair waits twice as long as the one before (1 s, 2 s, 4 s … at most 15 minutes). A stranger guessing from
elsewhere slows down only themselves, never the real admin at their desk. A higher count per address over
every account keeps one address from trying its guesses on many accounts. A counter nobody has used for an
hour starts again from zero."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.clock import Clock
from core.errors import DongneError
from core.staff.values import SignInCount
from storage.uow import UnitOfWork

FREE_FAILURES_PER_ACCOUNT = 5  # per account from one address: a mistyped password or three costs nothing
FREE_FAILURES_PER_ADDRESS = 30  # per address over every account: an office behind one NAT mistypes too
FIRST_WAIT = timedelta(seconds=1)
LONGEST_WAIT = timedelta(minutes=15)  # about 100 guesses a day per account and address, and no lock-out
FORGET_AFTER = timedelta(hours=1)
ANY_ACCOUNT = ""  # the counter of an address over every account; no account has an empty username


class SignInThrottled(DongneError):
    """Too many attempts not proven right: try again after ``seconds``."""

    code = "sign_in_throttled"

    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))  # rounded up: a retry on the dot is not too early
        super().__init__(f"wait {seconds} s", seconds=seconds)
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class _Counter:
    username: str
    free: int
    count: SignInCount


class SignInThrottle:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def _attempts(self, count: SignInCount, now: datetime) -> int:
        """The attempts that still count: none after an hour without any."""
        if self._clock.local(count.last_attempt_at) + FORGET_AFTER <= self._clock.local(now):
            return 0
        return count.attempts

    def _wait(self, counter: _Counter, now: datetime) -> timedelta:
        beyond = self._attempts(counter.count, now) - counter.free
        if beyond < 0:
            return timedelta(0)
        delay = min(FIRST_WAIT * (1 << min(beyond, 32)), LONGEST_WAIT)
        return self._clock.local(counter.count.last_attempt_at) + delay - self._clock.local(now)

    async def count_attempt(self, uow: UnitOfWork, username: str, address: str, now: datetime) -> timedelta:
        """Count an attempt of ``username`` from ``address``, or say how long it must wait (counting nothing).
        The caller commits. The address's counter is locked first, always, so two attempts never wait on
        each other's locks in opposite order."""
        counters = [
            _Counter(
                ANY_ACCOUNT, FREE_FAILURES_PER_ADDRESS, await uow.admin.lock_sign_in_counter(address, ANY_ACCOUNT, now)
            ),
            _Counter(username, FREE_FAILURES_PER_ACCOUNT, await uow.admin.lock_sign_in_counter(address, username, now)),
        ]
        wait = max(self._wait(counter, now) for counter in counters)
        if wait > timedelta(0):
            return wait
        for counter in counters:
            attempts = self._attempts(counter.count, now) + 1
            await uow.admin.set_sign_in_counter(address, counter.username, attempts, now)
        return timedelta(0)

    @staticmethod
    async def proven_right(uow: UnitOfWork, username: str, address: str) -> None:
        """The password was right: the account starts afresh from this address, and the address's count
        takes this attempt back."""
        await uow.admin.forget_sign_in_counter(address, username)
        await uow.admin.take_back_sign_in_attempt(address, ANY_ACCOUNT)
