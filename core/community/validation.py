"""The community records' rules, written once for the dialogues, the Excel import and the demo data.

Each refusal is an ``InvalidInput`` whose code names the rule and whose parameters name the field. Typed text
becomes a value here too (``parse_funds``, ``parse_area``, ``parse_homepage``), by the same rules wherever it
is typed: funds in whole thousand won (1,590 or 1,590천원; 없음 or - for none, as the register writes it),
areas in ㎡ with up to two decimals, a homepage with or without its http(s)://."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from core.community.values import (
    HOUSING,
    LEGAL_TYPES,
    ORGANIZATION_FIELDS,
    SPONSORS,
    Facility,
    GrantProjectDraft,
    OrganizationDraft,
)
from core.errors import InvalidInput
from core.masking import check_normalized_phone
from core.text_input import check_text

EARLIEST_YEAR = 1900
LARGEST_FUNDS = 100_000_000  # 천원: 1,000억 원, beyond any open call
LARGEST_AREA = Decimal("10000000")  # ㎡: 10 km², beyond any facility
LARGEST_COUNT = 1_000_000
NO_FUNDS = ("없음", "-", "—", "0", "none")
# Column widths of the schema to come; checked here so a refusal can name the field.
TEXT_LIMITS: dict[str, int] = {
    "organization.name": 100,
    "organization.address": 200,
    "organization.representative": 50,
    "organization.email": 100,
    "organization.homepage": 200,
    "facility.scale": 30,
    "facility.main_facilities": 200,
    "facility.ownership": 50,
    "facility.remarks": 500,
    "project.name": 200,
    "project.activity_area": 50,
    "project.call_field": 50,
    "project.content": 2000,
    "project.representative": 50,
    "project.remarks": 500,
}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE)
_FUNDS = re.compile(r"\d{1,3}(,\d{3})+|\d+")
_AREA = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")


def check_organization(draft: OrganizationDraft, today: date) -> None:
    if draft.field not in ORGANIZATION_FIELDS:
        raise InvalidInput("community_unknown_field", value=draft.field)
    if draft.legal_type not in LEGAL_TYPES:
        raise InvalidInput("community_unknown_legal_type", value=draft.legal_type)
    _text(draft.name, "organization.name", required=True)
    _text(draft.admin_dong, "organization.admin_dong", required=True)
    for name in ("address", "representative", "email", "homepage"):
        _text(getattr(draft, name), f"organization.{name}")
    if draft.founded_on is not None and draft.founded_on > today:
        raise InvalidInput("founded_in_future", founded_on=draft.founded_on, today=today)
    for name in ("mobile", "phone", "fax"):
        check_normalized_phone(f"organization.{name}", getattr(draft, name))
    if draft.email is not None and not _EMAIL.fullmatch(draft.email):
        raise InvalidInput("invalid_email", value=draft.email)
    if draft.homepage is not None and parse_homepage(draft.homepage) != draft.homepage:
        raise InvalidInput("invalid_homepage", value=draft.homepage)
    if draft.business_year is not None and not EARLIEST_YEAR <= draft.business_year <= today.year + 1:
        raise InvalidInput("community_year_range", field="organization.business_year", value=draft.business_year)
    check_count("organization.member_count", draft.member_count)
    if draft.facility is not None:
        check_facility(draft.facility)


def check_facility(facility: Facility) -> None:
    """Areas are positive when given (a facility of 0 ㎡ is a typing slip, not a fact)."""
    for name in ("land_area", "floor_area"):
        area = getattr(facility, name)
        if area is not None and not Decimal(0) < area <= LARGEST_AREA:
            raise InvalidInput("area_not_positive", field=f"facility.{name}", value=area)
        if area is not None and area != area.quantize(Decimal("0.01")):
            raise InvalidInput("area_precision", field=f"facility.{name}", value=area)
    for name in ("scale", "main_facilities", "ownership", "remarks"):
        _text(getattr(facility, name), f"facility.{name}")


def check_grant_project(draft: GrantProjectDraft, today: date) -> None:
    if draft.sponsor not in SPONSORS:
        raise InvalidInput("community_unknown_sponsor", value=draft.sponsor)
    if not EARLIEST_YEAR <= draft.year <= today.year + 1:
        raise InvalidInput("community_year_range", field="project.year", value=draft.year)
    _text(draft.name, "project.name", required=True)
    for name in ("activity_area", "call_field", "content", "representative", "remarks"):
        _text(getattr(draft, name), f"project.{name}")
    check_normalized_phone("project.mobile", draft.mobile)
    check_count("project.member_count", draft.member_count)
    for name in ("city_funds", "district_funds", "self_funds"):
        funds = getattr(draft, name)
        if not 0 <= funds <= LARGEST_FUNDS:
            raise InvalidInput("funds_out_of_range", field=f"project.{name}", value=funds)
    if draft.sponsor == HOUSING and draft.complex_id is None:
        raise InvalidInput("grant_needs_complex")
    if draft.sponsor != HOUSING and draft.complex_id is not None:
        raise InvalidInput("grant_complex_only_for_housing", sponsor=draft.sponsor)


def parse_funds(field: str, typed: str) -> int:
    """천원 as typed: 4,570 or 4570천원; 없음 or - for none. Won amounts with decimals are refused."""
    text = typed.strip().removesuffix("천원").strip().casefold()
    if text in NO_FUNDS or not text:
        return 0
    if not _FUNDS.fullmatch(text):
        code = "funds_whole_thousand" if re.fullmatch(r"[\d,]+\.\d+", text) else "funds_not_a_number"
        raise InvalidInput(code, field=field, value=typed)
    value = int(text.replace(",", ""))
    if value > LARGEST_FUNDS:
        raise InvalidInput("funds_out_of_range", field=field, value=typed)
    return value


def parse_area(field: str, typed: str) -> Decimal:
    """㎡ as typed: 221.55, 221.55㎡, 1,200 m2."""
    text = typed.strip()
    for unit in ("㎡", "m²", "m2", "제곱미터"):
        text = text.removesuffix(unit).strip()
    found = _AREA.fullmatch(text)
    if found is None:
        code = "area_precision" if re.fullmatch(r"[\d,]+\.\d{3,}", text) else "area_not_a_number"
        raise InvalidInput(code, field=field, value=typed)
    try:
        area = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise InvalidInput("area_not_a_number", field=field, value=typed) from None
    if not Decimal(0) < area <= LARGEST_AREA:
        raise InvalidInput("area_not_positive", field=field, value=typed)
    return area


def parse_homepage(typed: str) -> str:
    """A homepage as stored: http(s)://host[/path], the scheme added when typed without one."""
    text = typed.strip()
    if not re.match(r"https?://", text, re.IGNORECASE):
        if "://" in text:
            raise InvalidInput("invalid_homepage", value=typed)
        text = f"http://{text}"
    parts = urlsplit(text)
    host = parts.hostname or ""
    if not _HOST.fullmatch(host) or parts.username or parts.password or " " in text:
        raise InvalidInput("invalid_homepage", value=typed)
    limit = TEXT_LIMITS["organization.homepage"]
    if len(text) > limit:
        raise InvalidInput("text_too_long", field="organization.homepage", limit=limit, length=len(text))
    return text


def check_count(field: str, value: int | None) -> None:
    if value is not None and not 0 <= value <= LARGEST_COUNT:
        raise InvalidInput("negative_number", field=field, value=value)


def _text(value: str | None, field: str, *, required: bool = False) -> None:
    check_text(value, field, TEXT_LIMITS.get(field), required=required)
