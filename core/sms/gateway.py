"""The port to whatever actually sends the messages (the government UMS). ``core`` sees only this; the
HTTP adapter lives in ``bot/ums``.

``submit`` is called with messages that each carry an idempotency key: the gateway must apply a key once,
so submitting the same message again (after a timeout, or a crash before we recorded the answer) never
sends it twice. A failure of the whole call raises ``GatewayUnavailable`` (transient: everything is retried
later); a failure of one message comes back in its ``SubmitResult``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from core.sms.values import DeliveryReport

NOT_CONFIGURED = "ums_not_configured"


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    idempotency_key: str
    phone: str
    body: str
    message_type: str
    sender_number: str
    subject: str | None = None  # an LMS's subject (제목); an SMS has none


@dataclass(frozen=True, slots=True)
class SubmitResult:
    idempotency_key: str
    # The UMS's name for an accepted message; an accept without one is still an accept (reports then name
    # the message by its idempotency key).
    ums_message_id: str | None
    error: str | None = None  # None: accepted
    permanent: bool = False  # a permanent error will not succeed on retry (bad number, refused content)

    @property
    def accepted(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class ReportPage:
    """One page of polled reports: ``cursor`` asks for the next (None: keep the one we had); ``full`` says
    the UMS may hold more right now."""

    reports: list[DeliveryReport]
    cursor: str | None
    full: bool


class GatewayUnavailable(Exception):
    """The gateway could not be reached or answered with a server error: retry later."""


class SmsGateway(Protocol):
    @property
    def configured(self) -> bool: ...

    @property
    def source(self) -> str:
        """Which UMS this is (its address): a polling cursor belongs to the UMS that issued it."""
        ...

    async def submit(self, messages: Sequence[OutgoingSms]) -> list[SubmitResult]: ...

    async def fetch_reports(self, after: str | None) -> ReportPage: ...


class UnconfiguredGateway:
    """The embedded default when no UMS is configured: nothing is sent. Each message is recorded as failed
    with the reason ``ums_not_configured``, and views say "UMS not configured: not sent"."""

    configured = False
    source = ""

    async def submit(self, messages: Sequence[OutgoingSms]) -> list[SubmitResult]:
        return [SubmitResult(m.idempotency_key, None, NOT_CONFIGURED, permanent=True) for m in messages]

    async def fetch_reports(self, after: str | None) -> ReportPage:
        return ReportPage([], None, full=False)
