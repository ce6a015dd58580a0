"""How the ledger's records and fields read in the chat: a field's label and value, a record's title and
its fields one a line, and a refused change's reason with the field named as the screen names it."""

from __future__ import annotations

from datetime import date

from conversations.housing.card import fmt_date
from core.errors import DongneError
from core.housing.fields import FIELDS, Kind, spec
from core.housing.values import FormerManagerView, LedgerRecord
from core.texts.i18n import grouped, has_text, t, t_plain


def label(lang: str, record: str, name: str) -> str:
    return t_plain(lang, f"hl.field.{record}.{name}")


def value_text(lang: str, record: str, name: str, value: object) -> str:
    """A field's value as the screen shows it (plain text)."""
    if value is None or value == "":
        return t_plain(lang, "hl.empty")
    kind = spec(record, name).kind
    if isinstance(value, date):
        return fmt_date(value)
    if kind is Kind.DATE and isinstance(value, int):  # a masked birth date keeps its year
        return t_plain(lang, "hl.birth_year", year=value)
    if kind is Kind.CHOICE:
        return t_plain(lang, f"hl.choice.{name}.{value}")
    if kind is Kind.AMOUNT and isinstance(value, int):
        return t_plain(lang, "hl.thousand_won", amount=grouped(value))
    if kind is Kind.BANDS and isinstance(value, tuple | list):
        return " / ".join(grouped(int(v)) for v in value)
    if isinstance(value, int):
        return grouped(value)
    return str(value)


def title(lang: str, item: LedgerRecord) -> str:
    v = item.values
    if item.record == "representative":
        return f"{v['position']} {v['name']}"
    if item.record == "project":
        return f"{v['kind']} · {v['name']}"
    if item.record == "office":
        return t_plain(lang, "hl.office_title", manager=v.get("manager_name") or t_plain(lang, "hl.empty"))
    return str(v["name"])


def render_record(lang: str, item: LedgerRecord) -> str:
    lines = [t(lang, "hl.record_head", title=title(lang, item))]
    for field in FIELDS[item.record]:
        lines.append(
            t(
                lang,
                "hl.field_line",
                label=label(lang, item.record, field.name),
                value=value_text(lang, item.record, field.name, item.values.get(field.name)),
            )
        )
    return "\n".join(lines)


def refusal(lang: str, record: str, error: DongneError) -> str:
    """Why a change was refused, naming the field by its label; the general reply for other errors."""
    key = f"hl.error.{error.code}"
    if not has_text(lang, key):
        key = f"error.{error.code}" if has_text(lang, f"error.{error.code}") else "error.unexpected"
    params = dict(error.params)
    field = params.get("field")
    if isinstance(field, str):
        name = field.split(".")[-1]
        params["field"] = label(lang, record, name) if has_text(lang, f"hl.field.{record}.{name}") else name
    for key_name, value in params.items():
        if isinstance(value, date):
            params[key_name] = fmt_date(value)
        elif isinstance(value, int) and key_name != "limit":
            params[key_name] = grouped(value)
    return t(lang, key, **params)


FORMER_SHOWN = 5  # the latest replaced managers on the office's screen; the history button has every change


def former_managers_text(lang: str, former: list[FormerManagerView]) -> str:
    """관리소장 이력: who ran the office before, from when until they were replaced (the latest first)."""
    lines = [t(lang, "hl.former_heading", count=grouped(len(former)))]
    for manager in former[:FORMER_SHOWN]:
        since = fmt_date(manager.assigned_on)
        grade_key = f"hl.choice.manager_license_grade.{manager.license_grade}"
        grade = t_plain(lang, grade_key) if manager.license_grade else ""
        lines.append(
            t(
                lang,
                "hl.former_line",
                name=manager.name,
                since=since,
                until=fmt_date(manager.replaced_on),
                grade=grade or t_plain(lang, "hl.empty"),
            )
        )
    return "\n".join(lines)
