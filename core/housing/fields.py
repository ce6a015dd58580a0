"""The ledger's fields, one table per record: what each field holds, whether it must be given, how long
it may be and whether it is personal data. Typed text becomes a field's value here (``parse``), by one rule
for every record and every entry point; the dialogues build their questions from the same table. Rules
that concern a whole record (a term ends after it starts, the bands add up) stay in
``core.housing.validation``.

Dates are accepted as 2016.03.14, 2016-03-14, 2016/03/14 or 20160314; phones in any form
``phonenumbers`` reads, stored as 010-1234-5678; amounts in whole 천원 (commas allowed), never negative."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.errors import InvalidInput
from core.housing.validation import (
    AREA_BANDS,
    COMPLEX_KINDS,
    GENDERS,
    GROUP_KINDS,
    LICENSE_GRADES,
    MANAGEMENT_TYPES,
    TEXT_LIMITS,
)
from core.housing.values import PERSONAL_FIELDS
from core.masking import normalize_phone
from core.text_input import typed_date

# Records the chat's ledger edits, in the order the 수정 menu offers them.
LEDGER_RECORDS = ("complex", "office", "representative", "group", "project")
# Records a complex holds many of; the complex and its one office are edited in place.
LIST_RECORDS = ("representative", "group", "project")

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
LARGEST_NUMBER = 1_000_000  # households, buildings, members: beyond any complex
LARGEST_AMOUNT = 100_000_000  # 천원: 1,000억 원, as the 지원기준's maximum
REMARKS_LIMIT = 2000
_NUMBER = re.compile(r"\d{1,3}(,\d{3})+|\d+")


class Kind(StrEnum):
    TEXT = "text"
    BLOCK = "block"  # several lines (remarks)
    DATE = "date"
    PHONE = "phone"
    EMAIL = "email"
    NUMBER = "number"  # a count: households, floors, members
    AMOUNT = "amount"  # 천원
    BANDS = "bands"  # five counts, one per area band
    CHOICE = "choice"  # one of ``choices``
    POSITION = "position"  # a name from the admin's 직위 list
    CRITERION = "criterion"  # a name from the admin's 지원기준 list
    DONG = "dong"  # an administrative dong the member covers


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: Kind
    required: bool = False
    limit: int | None = None
    choices: tuple[str, ...] = ()

    @property
    def picked(self) -> bool:
        """Chosen from buttons rather than typed."""
        return self.kind in (Kind.CHOICE, Kind.POSITION, Kind.CRITERION, Kind.DONG)


def _text(record: str, name: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, Kind.TEXT, required=required, limit=TEXT_LIMITS.get(f"{record}.{name}", 100))


FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "complex": (
        _text("complex", "name", required=True),
        FieldSpec("kind", Kind.CHOICE, required=True, choices=COMPLEX_KINDS),
        FieldSpec("management_type", Kind.CHOICE, choices=MANAGEMENT_TYPES),
        FieldSpec("admin_dong", Kind.DONG, required=True),
        _text("complex", "address", required=True),
        FieldSpec("building_count", Kind.NUMBER, required=True),
        FieldSpec("household_count", Kind.NUMBER, required=True),
        FieldSpec("floors_min", Kind.NUMBER),
        FieldSpec("floors_max", Kind.NUMBER),
        FieldSpec("approved_on", Kind.DATE),
        FieldSpec("households_by_area", Kind.BANDS, required=True),
        FieldSpec("kapt_code", Kind.TEXT, limit=TEXT_LIMITS["complex.kapt_code"]),
        FieldSpec("remarks", Kind.BLOCK, limit=REMARKS_LIMIT),
    ),
    "office": (
        FieldSpec("phone", Kind.PHONE),
        FieldSpec("fax", Kind.PHONE),
        _text("office", "manager_name"),
        FieldSpec("manager_birth_date", Kind.DATE),
        FieldSpec("manager_mobile", Kind.PHONE),
        _text("office", "manager_license_no"),
        FieldSpec("manager_license_grade", Kind.CHOICE, choices=LICENSE_GRADES),
        FieldSpec("manager_assigned_on", Kind.DATE),
    ),
    "representative": (
        FieldSpec("position", Kind.POSITION, required=True),
        _text("representative", "name", required=True),
        FieldSpec("gender", Kind.CHOICE, choices=GENDERS),
        FieldSpec("birth_date", Kind.DATE),
        _text("representative", "building_unit"),
        FieldSpec("phone", Kind.PHONE),
        FieldSpec("term_start", Kind.DATE),
        FieldSpec("term_end", Kind.DATE),
    ),
    "group": (
        FieldSpec("kind", Kind.CHOICE, required=True, choices=GROUP_KINDS),
        _text("group", "name", required=True),
        _text("group", "leader_position"),
        _text("group", "leader_name"),
        FieldSpec("leader_phone", Kind.PHONE),
        FieldSpec("leader_email", Kind.EMAIL, limit=TEXT_LIMITS["group.leader_email"]),
        FieldSpec("member_count", Kind.NUMBER),
        FieldSpec("formed_on", Kind.DATE),
        FieldSpec("members", Kind.BLOCK, limit=TEXT_LIMITS["group.members"]),
    ),
    "project": (
        FieldSpec("kind", Kind.CRITERION, required=True, limit=TEXT_LIMITS["project.kind"]),
        _text("project", "name", required=True),
        FieldSpec("period_start", Kind.DATE),
        FieldSpec("period_end", Kind.DATE),
        FieldSpec("amount", Kind.AMOUNT, required=True),
        FieldSpec("returned_amount", Kind.AMOUNT),
    ),
}


def spec(record: str, name: str) -> FieldSpec:
    """The field ``name`` of ``record``; InvalidInput for a record or field the ledger does not have."""
    for field in FIELDS.get(record, ()):
        if field.name == name:
            return field
    raise InvalidInput("ledger_unknown_field", record=record, field=name)


def is_personal(record: str, name: str) -> bool:
    return name in PERSONAL_FIELDS.get(record, frozenset())


def parse(record: str, name: str, typed: str) -> object:
    """The value of ``record``'s field ``name`` from what was typed; InvalidInput naming the field when it
    cannot be. A picked field (choice, position, criterion, dong) takes the chosen code or name as it is and
    is checked by the service against its list."""
    field = spec(record, name)
    text = " ".join(typed.split()) if field.kind is not Kind.BLOCK else typed.strip()
    if not text:
        raise InvalidInput("ledger_empty", field=name)
    if field.kind in (Kind.TEXT, Kind.BLOCK, Kind.EMAIL, Kind.POSITION, Kind.CRITERION, Kind.DONG):
        if field.limit is not None and len(text) > field.limit:
            raise InvalidInput("ledger_too_long", field=name, limit=field.limit, length=len(text))
        return text
    if field.kind is Kind.CHOICE:
        if text not in field.choices:
            raise InvalidInput("ledger_choice", field=name)
        return text
    if field.kind is Kind.DATE:
        return parse_date(name, text)
    if field.kind is Kind.PHONE:
        try:
            return normalize_phone(text)
        except InvalidInput:
            raise InvalidInput("ledger_phone", field=name, value=text) from None
    if field.kind is Kind.BANDS:
        parts = re.split(r"[\s/]+", text.replace(",", " ").strip())
        if len(parts) != AREA_BANDS:
            raise InvalidInput("ledger_bands", field=name, expected=AREA_BANDS)
        return tuple(_number(name, part, LARGEST_NUMBER, "ledger_number") for part in parts)
    limit, code = (LARGEST_AMOUNT, "ledger_amount") if field.kind is Kind.AMOUNT else (LARGEST_NUMBER, "ledger_number")
    return _number(name, text, limit, code)


def parse_date(name: str, text: str) -> date:
    value = typed_date(text)
    if value is None or not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise InvalidInput("ledger_date", field=name, value=text)
    return value


def _number(name: str, text: str, limit: int, code: str) -> int:
    cleaned = text.strip()
    for unit in ("천원", "세대", "가구", "개동", "동", "층", "명"):
        cleaned = cleaned.removesuffix(unit).strip()
    if not _NUMBER.fullmatch(cleaned):
        raise InvalidInput(code, field=name, value=text)
    value = int(cleaned.replace(",", ""))
    if value > limit:
        raise InvalidInput(code, field=name, value=text)
    return value
