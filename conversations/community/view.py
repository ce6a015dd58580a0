"""How community records read in the chat: the report's 단체(기관) 조회 card with its 시설현황, a grant project's
screen (지원(공모)사업), a field's label and value, the lines of a list, and a refused change's reason with the
field named as the screen names it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conversations.layout import excerpt
from core.community.fields import FIELDS, Kind, organization_values, project_values, spec
from core.community.values import GrantProjectRecord, OrganizationRecord, OrganizationSummary
from core.errors import DongneError
from core.texts.i18n import grouped, has_text, t, t_plain


def label(lang: str, record: str, name: str) -> str:
    return t_plain(lang, f"cmc.label.{record}.{name}")


def code_text(lang: str, name: str, code: str) -> str:
    """A coded value in the office's words: 분야, 유형 or 사업구분."""
    table = {"field": "cm.field", "legal_type": "cm.legal_type", "sponsor": "cm.sponsor"}[name]
    return t_plain(lang, f"{table}.{code}")


def value_text(lang: str, record: str, name: str, value: object, *, complex_name: str | None = None) -> str:
    """A field's value as the screen shows it (plain text; ``t`` escapes it)."""
    if value is None or value == "":
        return t_plain(lang, "cmc.empty")
    kind = spec(record, name).kind
    if isinstance(value, date):
        return value.strftime("%Y.%m.%d")
    if kind is Kind.CHOICE:
        return code_text(lang, name, str(value))
    if kind is Kind.COMPLEX:
        return complex_name or str(value)
    if kind is Kind.AREA and isinstance(value, Decimal | int | str):
        return t_plain(lang, "cmc.area", area=_area(Decimal(str(value))))
    if kind is Kind.FUNDS and isinstance(value, int):
        return t_plain(lang, "cmc.thousand_won", amount=grouped(value)) if value else t_plain(lang, "cmc.no_funds")
    if kind is Kind.YEAR and isinstance(value, int):
        return t_plain(lang, "cmc.year", year=value)
    if kind is Kind.COUNT and isinstance(value, int):
        return t_plain(lang, "cmc.people", count=grouped(value))
    return str(value)


def _area(value: Decimal) -> str:
    whole = value == value.to_integral_value()
    return f"{value:,.0f}" if whole else f"{value:,.2f}"


def _line(lang: str, record: str, values: dict[str, object], *names: str, complex_name: str | None = None) -> str:
    parts = [
        t(
            lang,
            "cmc.pair",
            label=label(lang, record, n),
            value=value_text(lang, record, n, values.get(n), complex_name=complex_name),
        )
        for n in names
    ]
    return " · ".join(parts)


def render_organization(lang: str, item: OrganizationRecord) -> str:
    """The report's 단체(기관) 조회 screen, then ▶ 시설현황."""
    o, v = item.organization, organization_values(item.organization)
    lines = [
        t(
            lang,
            "cmc.org_head",
            name=o.name,
            field=code_text(lang, "field", o.field),
            type=code_text(lang, "legal_type", o.legal_type),
        ),
        _line(lang, "organization", v, "founded_on", "business_year", "member_count"),
        _line(lang, "organization", v, "admin_dong", "address"),
        _line(lang, "organization", v, "representative", "mobile"),
        _line(lang, "organization", v, "phone", "fax"),
        _line(lang, "organization", v, "email", "homepage"),
        "",
        t(lang, "cmc.facility_head"),
        _line(lang, "organization", v, "land_area", "floor_area"),
        _line(lang, "organization", v, "scale", "main_facilities"),
        _line(lang, "organization", v, "ownership", "facility_remarks"),
    ]
    if item.masked:
        lines.append(t(lang, "cmc.masked_note"))
    if item.updated_by:
        lines.append(t(lang, "cmc.updated_by", name=item.updated_by))
    return "\n".join(lines)


def render_project(lang: str, item: GrantProjectRecord, *, whole: bool = True) -> str:
    """The report's 지원(공모)사업 screen: who funds it, what and who it is, and its funds in 천원."""
    p, v = item.project, project_values(item.project)
    lines = [
        t(lang, "cmc.project_head", name=p.name),
        _line(lang, "project", v, "sponsor", "year"),
        _line(lang, "project", v, "activity_area", "call_field"),
    ]
    if p.complex_id is not None:
        lines.append(_line(lang, "project", v, "complex_id", complex_name=item.complex_name))
    content = p.content if whole else (excerpt(p.content, 200) if p.content else None)
    lines += [
        t(lang, "cmc.pair", label=label(lang, "project", "content"), value=content or t_plain(lang, "cmc.empty")),
        _line(lang, "project", v, "representative", "mobile", "member_count"),
        t(
            lang,
            "cmc.funds_line",
            city=value_text(lang, "project", "city_funds", p.city_funds),
            district=value_text(lang, "project", "district_funds", p.district_funds),
            own=value_text(lang, "project", "self_funds", p.self_funds),
        ),
        _line(lang, "project", v, "remarks"),
    ]
    if item.masked:
        lines.append(t(lang, "cmc.masked_note"))
    if item.updated_by:
        lines.append(t(lang, "cmc.updated_by", name=item.updated_by))
    return "\n".join(lines)


def organization_line(lang: str, item: OrganizationSummary) -> str:
    return t(
        lang,
        "cmc.org_line",
        name=item.name,
        dong=item.admin_dong,
        field=code_text(lang, "field", item.field),
        type=code_text(lang, "legal_type", item.legal_type),
    )


def project_line(lang: str, item: GrantProjectRecord) -> str:
    p = item.project
    funds = p.city_funds + p.district_funds + p.self_funds
    return t(
        lang,
        "cmc.project_line",
        year=p.year,
        sponsor=code_text(lang, "sponsor", p.sponsor),
        name=p.name,
        funds=grouped(funds),
    )


def refusal(lang: str, record: str, error: DongneError) -> str:
    """Why a change was refused, naming the field by its label; the general reply for other errors."""
    key = f"cmc.error.{error.code}"
    if not has_text(lang, key):
        key = f"error.{error.code}" if has_text(lang, f"error.{error.code}") else "error.unexpected"
    params = dict(error.params)
    field = params.get("field")
    if isinstance(field, str):
        owner, _, name = field.rpartition(".")
        record_of = (
            "organization" if owner in ("organization", "facility") else "project" if owner == "project" else record
        )
        name = "facility_remarks" if owner == "facility" and name == "remarks" else name
        params["field"] = label(lang, record_of, name) if has_text(lang, f"cmc.label.{record_of}.{name}") else name
    for key_name, value in params.items():
        if isinstance(value, date):
            params[key_name] = value.strftime("%Y.%m.%d")
        elif isinstance(value, int) and key_name not in ("limit", "length"):
            params[key_name] = grouped(value)
    return t(lang, key, **params)


def fields_of(record: str) -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS[record])
