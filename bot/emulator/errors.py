"""Errors the emulator returns, worded like the real Bot API so tests see what production would."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error response; raised inside method handlers and turned into JSON by the server."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


def fault(kind: str, retry_after: int) -> ApiError:
    """Build the error for an injected fault (see BotApiEmulator.fail_next)."""
    if kind == "flood":
        return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
    if kind == "not_modified":
        return bad_request(NOT_MODIFIED)
    if kind == "query_too_old":
        return bad_request(QUERY_TOO_OLD)
    if kind == "server_error":
        return ApiError(500, "Internal Server Error")
    if kind == "bad_gateway":
        return ApiError(502, "Bad Gateway")
    if kind == "forbidden":
        return forbidden("bot was blocked by the user")
    raise ValueError(f"unknown fault kind {kind!r}")


FAULT_KINDS = ("flood", "not_modified", "query_too_old", "server_error", "bad_gateway", "forbidden")
