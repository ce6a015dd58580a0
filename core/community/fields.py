"""The community records' fields, one table per record: what each holds, whether it must be given and how
long it may be. Typed text becomes a field's value here (``parse``), by the rules of
``core.community.validation``, for the chat and every other entry point; the dialogues build their questions
from the same table. A record is also a flat mapping of its fields (``organization_values`` and back), so a
change names only the fields it changes and the facility's fields sit beside the organisation's own.

Values that a dialogue keeps between steps are JSON (``json_value``/``from_json``): dates as ISO text,
areas as text, so nothing is lost to a float."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from core.community.validation import LARGEST_COUNT, TEXT_LIMITS, parse_area, parse_funds, parse_homepage
from core.community.values import (
    LEGAL_TYPES,
    ORGANIZATION_FIELDS,
    SPONSORS,
    Facility,
    GrantProjectDraft,
    OrganizationDraft,
)
from core.errors import InvalidInput
from core.masking import normalize_phone
from core.text_input import typed_date

ORGANIZATION, PROJECT = "organization", "project"
RECORDS = (ORGANIZATION, PROJECT)
# The facility's fields as a flat record names them (its remarks apart from nothing else's).
FACILITY_FIELDS = {
    "land_area": "land_area",
    "floor_area": "floor_area",
    "scale": "scale",
    "main_facilities": "main_facilities",
    "ownership": "ownership",
    "facility_remarks": "remarks",
}
PERSONAL = {ORGANIZATION: frozenset({"mobile", "email"}), PROJECT: frozenset({"mobile"})}


class Kind(StrEnum):
    TEXT = "text"
    BLOCK = "block"  # several lines (content, remarks)
    DATE = "date"
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    COUNT = "count"  # members
    YEAR = "year"
    AREA = "area"  # ㎡, two decimals
    FUNDS = "funds"  # 천원
    CHOICE = "choice"  # one of ``choices`` (codes shown in the catalog's words)
    DONG = "dong"  # an administrative dong the member covers
    COMPLEX = "complex"  # a housing complex, found by name


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: Kind
    required: bool = False
    limit: int | None = None
    choices: tuple[str, ...] = ()

    @property
    def picked(self) -> bool:
        """Chosen from buttons rather than typed (a complex is typed to search, then picked)."""
        return self.kind in (Kind.CHOICE, Kind.DONG)


def _text(key: str, name: str, kind: Kind = Kind.TEXT, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, kind, required=required, limit=TEXT_LIMITS.get(key, 100))


FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    # In the order of the report's 단체(기관) 조회 screen, then its 시설현황.
    ORGANIZATION: (
        FieldSpec("field", Kind.CHOICE, required=True, choices=ORGANIZATION_FIELDS),
        FieldSpec("legal_type", Kind.CHOICE, required=True, choices=LEGAL_TYPES),
        _text("organization.name", "name", required=True),
        FieldSpec("founded_on", Kind.DATE),
        FieldSpec("admin_dong", Kind.DONG, required=True),
        _text("organization.address", "address"),
        _text("organization.representative", "representative"),
        FieldSpec("mobile", Kind.PHONE),
        FieldSpec("phone", Kind.PHONE),
        FieldSpec("fax", Kind.PHONE),
        _text("organization.email", "email", Kind.EMAIL),
        _text("organization.homepage", "homepage", Kind.URL),
        FieldSpec("business_year", Kind.YEAR),
        FieldSpec("member_count", Kind.COUNT),
        FieldSpec("land_area", Kind.AREA),
        FieldSpec("floor_area", Kind.AREA),
        _text("facility.scale", "scale"),
        _text("facility.main_facilities", "main_facilities"),
        _text("facility.ownership", "ownership"),
        _text("facility.remarks", "facility_remarks", Kind.BLOCK),
    ),
    # In the order of the report's 지원(공모)사업 screen; the complex only for a housing call's project.
    PROJECT: (
        FieldSpec("sponsor", Kind.CHOICE, required=True, choices=SPONSORS),
        FieldSpec("year", Kind.YEAR, required=True),
        FieldSpec("complex_id", Kind.COMPLEX),
        _text("project.activity_area", "activity_area"),
        _text("project.call_field", "call_field"),
        _text("project.name", "name", required=True),
        _text("project.content", "content", Kind.BLOCK),
        _text("project.representative", "representative"),
        FieldSpec("mobile", Kind.PHONE),
        FieldSpec("member_count", Kind.COUNT),
        FieldSpec("city_funds", Kind.FUNDS),
        FieldSpec("district_funds", Kind.FUNDS),
        FieldSpec("self_funds", Kind.FUNDS),
        _text("project.remarks", "remarks", Kind.BLOCK),
    ),
}
FUNDS = ("city_funds", "district_funds", "self_funds")
HOUSING_ONLY = ("complex_id",)  # asked only of a housing call's project


def spec(record: str, name: str) -> FieldSpec:
    """The field ``name`` of ``record``; InvalidInput for a record or field there is not."""
    for field in FIELDS.get(record, ()):
        if field.name == name:
            return field
    raise InvalidInput("community_unknown_record_field", record=record, field=name)


def is_personal(record: str, name: str) -> bool:
    return name in PERSONAL.get(record, frozenset())


def parse(record: str, name: str, typed: str) -> object:
    """The value of ``record``'s field ``name`` from what was typed; InvalidInput naming the field when it
    cannot be. A picked field takes the chosen code as it is; the service checks it against its list."""
    field = spec(record, name)
    text = typed.strip() if field.kind is Kind.BLOCK else " ".join(typed.split())
    key = f"{record}.{name}"
    if not text:
        raise InvalidInput("community_empty", field=key)
    if field.kind in (Kind.TEXT, Kind.BLOCK, Kind.EMAIL, Kind.CHOICE, Kind.DONG, Kind.COMPLEX):
        if field.limit is not None and len(text) > field.limit:
            raise InvalidInput("text_too_long", field=key, limit=field.limit, length=len(text))
        if field.kind is Kind.CHOICE and text not in field.choices:
            raise InvalidInput("community_choice", field=key)
        return text
    if field.kind is Kind.URL:
        return parse_homepage(text)
    if field.kind is Kind.DATE:
        value = typed_date(text)
        if value is None or value.year < 1900:
            raise InvalidInput("community_date", field=key, value=text)
        return value
    if field.kind is Kind.PHONE:
        try:
            return normalize_phone(text)
        except InvalidInput:
            raise InvalidInput("community_phone", field=key, value=text) from None
    if field.kind is Kind.AREA:
        return parse_area(key, text)
    if field.kind is Kind.FUNDS:
        return parse_funds(key, text)
    return _whole_number(field, key, text)


def _whole_number(field: FieldSpec, key: str, text: str) -> int:
    cleaned = text
    for unit in ("년도", "년", "명"):
        cleaned = cleaned.removesuffix(unit).strip()
    digits = cleaned.replace(",", "")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidInput("community_year" if field.kind is Kind.YEAR else "community_count", field=key, value=text)
    value = int(digits)
    if field.kind is Kind.COUNT and value > LARGEST_COUNT:
        raise InvalidInput("negative_number", field=key, value=text)
    return value


# -- a record as a flat mapping of its fields ---------------------------------------------------------


def organization_values(draft: OrganizationDraft) -> dict[str, object]:
    own = {f.name: getattr(draft, f.name) for f in FIELDS[ORGANIZATION] if f.name not in FACILITY_FIELDS}
    facility = draft.facility or Facility()
    return own | {flat: getattr(facility, name) for flat, name in FACILITY_FIELDS.items()}


def organization_draft(values: Mapping[str, object]) -> OrganizationDraft:
    own = {k: v for k, v in values.items() if k not in FACILITY_FIELDS}
    facility = Facility(**{name: values.get(flat) for flat, name in FACILITY_FIELDS.items()})  # type: ignore[arg-type]
    return OrganizationDraft(**own, facility=facility if facility != Facility() else None)  # type: ignore[arg-type]


def project_values(draft: GrantProjectDraft) -> dict[str, object]:
    return {f.name: getattr(draft, f.name) for f in FIELDS[PROJECT]}


def project_draft(values: Mapping[str, object]) -> GrantProjectDraft:
    given = {k: v for k, v in values.items() if not (k in FUNDS and v is None)}  # no funds given: none
    return GrantProjectDraft(**given)  # type: ignore[arg-type]


def json_value(value: object) -> object:
    """A value as a dialogue keeps it between steps (and the audit log records it)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(record: str, name: str, value: object) -> object:
    if value is None:
        return None
    kind = spec(record, name).kind
    if kind is Kind.DATE:
        return date.fromisoformat(str(value))
    if kind is Kind.AREA:
        return Decimal(str(value))
    return value
