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

NOT_CONFIGURED = "ums_not_configured"


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    idempotency_key: str
    phone: str
    body: str
    message_type: str
    sender_number: str


@dataclass(frozen=True, slots=True)
class SubmitResult:
    idempotency_key: str
    ums_message_id: str | None  # set when accepted
    error: str | None = None
    permanent: bool = False  # a permanent error will not succeed on retry (bad number, refused content)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    report_id: str  # unique per report, for duplicate protection
    ums_message_id: str | None
    idempotency_key: str | None
    delivered: bool
    reason: str | None = None


class GatewayUnavailable(Exception):
    """The gateway could not be reached or answered with a server error: retry later."""


class SmsGateway(Protocol):
    @property
    def configured(self) -> bool: ...

    async def submit(self, messages: Sequence[OutgoingSms]) -> list[SubmitResult]: ...

    async def fetch_reports(self) -> list[DeliveryReport]: ...


class UnconfiguredGateway:
    """The embedded default when no UMS is configured: nothing is sent. Each message is recorded as failed
    with the reason ``ums_not_configured``, and views say "UMS not configured: not sent"."""

    configured = False

    async def submit(self, messages: Sequence[OutgoingSms]) -> list[SubmitResult]:
        return [SubmitResult(m.idempotency_key, None, NOT_CONFIGURED, permanent=True) for m in messages]

    async def fetch_reports(self) -> list[DeliveryReport]:
        return []
