"""The admin endpoint (전산정보과): staff, role grants, link codes, reference lists, the audit log, and a
JSON API for the same, served by aiohttp in the bot's process or alone."""

from __future__ import annotations

from types import ModuleType


def view_modules() -> list[ModuleType]:
    """The modules whose ROUTES the endpoint serves besides sign-in and health (added as they are built)."""
    from bot.admin import (
        api_sms,
        api_staff,
        openapi,
        views_audit,
        views_reference,
        views_sms,
        views_staff,
        views_tokens,
    )
    from bot.ums import reports as ums_reports

    # The menu follows this order: the daily pages first, API tokens (set up once per integration) last.
    return [
        views_staff,
        api_staff,
        openapi,
        views_reference,
        views_audit,
        views_sms,
        views_tokens,
        api_sms,
        ums_reports,
    ]
