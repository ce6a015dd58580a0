"""What an update was, named without what anyone typed: for its line in the log (bot/processor.py) and the
label it is counted under (bot/metrics.py)."""

from __future__ import annotations

from telegram import Update

MESSAGE_KINDS = ("text", "photo", "document", "location", "contact")
# Every kind ``update_kind`` names besides commands, buttons and objects other than updates.
FIXED_KINDS = ("update", "message", "edited message", *(f"{kind} message" for kind in MESSAGE_KINDS))


def update_kind(update: object) -> str:
    """What an update was, for the log, without what anyone typed: a command's name, a button's kind (its
    data up to the first ``:``), or the kind of message."""
    if not isinstance(update, Update):
        return type(update).__name__
    if update.callback_query is not None:
        return f"button {(update.callback_query.data or '').split(':', 1)[0]}"
    message = update.effective_message
    if message is None:
        return "update"
    if message.text and message.text.startswith("/"):
        return f"command {message.text.split(maxsplit=1)[0].split('@')[0][:32]}"
    for kind in MESSAGE_KINDS:
        if getattr(message, kind, None):
            return "edited message" if update.edited_message is not None else f"{kind} message"
    return "message"
