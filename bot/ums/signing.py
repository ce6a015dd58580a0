"""HMAC-SHA256 request signatures shared with the UMS operator (docs/ums.md): the signature covers the
timestamp and the raw body, so neither can be changed, and a stale timestamp is refused."""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-UMS-Timestamp"
SIGNATURE_HEADER = "X-UMS-Signature"
# How far a signed request's clock may be from ours: long enough for clock drift and retries, short enough
# that a captured request cannot be replayed later (within it, the signature cache refuses the replay).
MAX_SKEW_SECONDS = 300


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(secret: bytes, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(
    secret: bytes, timestamp: str | None, given: str | None, body: bytes, now: float | None = None
) -> str | None:
    """None when the request is signed correctly and fresh; otherwise why not (for the log, not the caller)."""
    if not timestamp or not given:
        return "unsigned"
    try:
        sent = int(timestamp)
    except ValueError:
        return "bad timestamp"
    current = time.time() if now is None else now
    if abs(current - sent) > MAX_SKEW_SECONDS:
        return "stale"
    if not hmac.compare_digest(signature(secret, timestamp, body), given.strip().lower()):
        return "wrong signature"
    return None
