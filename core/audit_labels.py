"""The audit log's words in a language, from the catalogs: what the admin pages show and what every audit
workbook (the admin's export, the retention run's archive) is written with. Here, not with the pages, so the
bot's nightly retention run and the CLI need none of the web endpoint."""

from __future__ import annotations

from collections.abc import Mapping

from core.audit import AuditLabels
from core.texts.i18n import catalog, t_plain

# Detail keys whose codes are translated by another catalog's list: key -> catalog prefix.
VALUE_CATALOGS = {
    "state": "bm.state.",
    "adoption": "bm.adoption.",
    "progress_result": "bm.result.",
}


def _prefixed(lang: str, prefix: str, *, dots: bool = False) -> dict[str, str]:
    """Catalog texts under ``prefix``, keyed by the rest of their key."""
    texts = catalog(lang)
    found = {key[len(prefix) :]: value for key, value in texts.items() if key.startswith(prefix)}
    if dots:
        return found
    return {key: value for key, value in found.items() if "." not in key}


def audit_labels(lang: str) -> AuditLabels:
    """The audit log's words in ``lang``: the admin pages' list and export, and the retention run's archive."""

    def text(key: str) -> str:
        return t_plain(lang, f"admin.audit.{key}")

    values: dict[str, Mapping[str, str]] = {k: _prefixed(lang, prefix) for k, prefix in VALUE_CATALOGS.items()}
    values["permission"] = values["permissions"] = _prefixed(lang, "admin.audit.permissions.", dots=True)
    values["via"] = _prefixed(lang, "admin.audit.values.")
    fields = {**_prefixed(lang, "bm.field."), **_prefixed(lang, "admin.audit.fields.")}
    return AuditLabels(
        sheet=text("sheet"),
        conditions_sheet=text("conditions_sheet"),
        headers=(
            text("at"),
            text("staff"),
            text("saeol_id"),
            text("action"),
            text("target"),
            text("details"),
            text("action_code"),
        ),
        condition_names=(text("staff"), text("action"), text("period"), text("fields.count"), text("generated_at")),
        any=text("any"),
        system=text("system"),
        unknown_user=t_plain(lang, "admin.audit.unknown_user", username="{username}"),
        empty=text("empty"),
        yes=text("yes"),
        no=text("no"),
        actions=_prefixed(lang, "admin.audit.actions.", dots=True),
        action_groups=_prefixed(lang, "admin.audit.groups."),
        targets=_prefixed(lang, "admin.audit.targets."),
        fields=fields,
        values=values,
    )
