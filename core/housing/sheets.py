"""The housing ledger as the office's spreadsheets: one sheet per record kind (단지, 관리사무소, 입주자대표,
자생단체, 지원사업, 민원), a column per field, Korean headers as the office writes them.

The columns are the ledger's own fields (``core.housing.fields``), so a sheet holds exactly what the chat's
dialogues edit and is read back by the same rules. A sheet of records that belong to a complex names it by
단지명 and 행정동 (the complex's natural key with its K-apt code), so each row stands on its own. A coded
column (동, 직위, 관리 유형, …) is written as the office says it (의무관리, not mandatory) and offers its list
as a drop-down; the lists come from the database (the district's dongs, the admin's 직위 and 지원기준) or
from the ledger's rules. The words come from the catalogs (``hx.*`` and the ledger's ``hl.field.*``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.housing.fields import FIELDS, Kind
from core.housing.validation import AREA_BANDS, COMPLEX_KINDS, GENDERS, GROUP_KINDS, LICENSE_GRADES, MANAGEMENT_TYPES
from core.housing.values import COMPLAINT_CHANNELS, ComplaintState
from core.masking import mask_email, mask_names, mask_phone
from core.texts.i18n import t_plain

SHEETS = ("complex", "office", "representative", "group", "project", "complaint")
# Lists a coded column picks from: those the ledger's rules fix, and those the database holds.
FIXED_LISTS: Mapping[str, tuple[str, ...]] = {
    "kind": COMPLEX_KINDS,
    "management_type": MANAGEMENT_TYPES,
    "gender": GENDERS,
    "manager_license_grade": LICENSE_GRADES,
    "group_kind": GROUP_KINDS,
    "channel": COMPLAINT_CHANNELS,
    "state": tuple(state.value for state in ComplaintState),
}
DATABASE_LISTS = ("dong", "position", "criterion")
# The catalog section that words each fixed list's codes (hl.choice.kind.apartment = 아파트, ...).
_CODE_WORDS = {
    "kind": "hl.choice.kind",
    "management_type": "hl.choice.management_type",
    "gender": "hl.choice.gender",
    "manager_license_grade": "hl.choice.manager_license_grade",
    "group_kind": "hl.choice.kind",
    "channel": "hc.channel",
    "state": "hc.state",
}


@dataclass(frozen=True, slots=True)
class SheetColumn:
    """A column: the field it holds (``key``), how its cells read (``kind``), whether a row needs it, and the
    list its values come from (``choices``), if coded."""

    key: str
    kind: Kind
    required: bool = False
    choices: str | None = None


_COMPLEX_KEY = (SheetColumn("complex", Kind.TEXT, True), SheetColumn("admin_dong", Kind.DONG, True, "dong"))
_CHOICES = {Kind.DONG: "dong", Kind.POSITION: "position", Kind.CRITERION: "criterion"}


def _ledger_columns(record: str) -> tuple[SheetColumn, ...]:
    columns: list[SheetColumn] = []
    for field in FIELDS[record]:
        if field.kind is Kind.BANDS:  # five counts, a column each, as the report's card shows them
            columns += [SheetColumn(f"area_{band}", Kind.NUMBER, True) for band in range(1, AREA_BANDS + 1)]
            continue
        choices = _CHOICES.get(field.kind)
        if field.kind is Kind.CHOICE:
            choices = "group_kind" if (record, field.name) == ("group", "kind") else field.name
        columns.append(SheetColumn(field.name, field.kind, field.required, choices))
    return tuple(columns)


def _complex_columns() -> tuple[SheetColumn, ...]:
    """단지명 and 행정동 first, as on every other sheet."""
    columns = _ledger_columns("complex")
    first = [c for c in columns if c.key in ("name", "admin_dong")]
    return (*first, *(c for c in columns if c not in first))


COLUMNS: Mapping[str, tuple[SheetColumn, ...]] = {
    "complex": _complex_columns(),
    "office": _COMPLEX_KEY + _ledger_columns("office"),
    "representative": _COMPLEX_KEY + _ledger_columns("representative"),
    "group": _COMPLEX_KEY + _ledger_columns("group"),
    "project": _COMPLEX_KEY + _ledger_columns("project"),
    "complaint": (
        *_COMPLEX_KEY,
        SheetColumn("received_on", Kind.DATE, True),
        SheetColumn("channel", Kind.CHOICE, True, "channel"),
        SheetColumn("complainant", Kind.TEXT),
        SheetColumn("contact", Kind.PHONE),
        SheetColumn("content", Kind.BLOCK, True),
        SheetColumn("state", Kind.CHOICE, True, "state"),
        SheetColumn("result", Kind.BLOCK),
        SheetColumn("closed_on", Kind.DATE),
        SheetColumn("assignee", Kind.TEXT, True),
    ),
}


@dataclass(frozen=True)
class SheetWords:
    """Every word of the ledger's workbooks, in one language."""

    title: str  # 공동주택 대장
    generated_at: str  # 작성 일시: {at}
    sheets: Mapping[str, str]  # complex -> 단지, ...
    headers: Mapping[str, Mapping[str, str]]  # sheet -> column key -> 단지명, ...
    notes: Mapping[str, Mapping[str, str]]  # sheet -> column key -> what to write
    codes: Mapping[str, Mapping[str, str]]  # list -> code -> word (mandatory -> 의무관리)
    lists: Mapping[str, str]  # list -> its name on the lists sheet (dong -> 행정동)
    lists_sheet: str  # 목록
    notes_sheet: str  # 작성 안내
    examples_sheet: str  # 작성 예시
    notes_headers: tuple[str, str, str, str]  # 시트, 항목, 필수, 작성 방법
    required: str  # 필수
    masked_note: str  # 개인정보는 가려져 있습니다 (pii.view 권한이 없는 경우)


def sheet_words(lang: str) -> SheetWords:
    def header(sheet: str, key: str) -> str:
        if key in ("complex", "admin_dong") and sheet != "complex":
            return t_plain(lang, f"hx.key.{key}")
        if key.startswith("area_"):
            return t_plain(lang, f"hx.band.{key}")
        if sheet == "complaint":
            return t_plain(lang, f"hx.complaint.{key}")
        return t_plain(lang, f"hl.field.{sheet}.{key}")

    def note(column: SheetColumn) -> str:
        return t_plain(lang, f"hx.note.{column.kind.value}")

    return SheetWords(
        title=t_plain(lang, "hx.title"),
        generated_at=t_plain(lang, "hx.generated_at", at="{at}"),
        sheets={sheet: t_plain(lang, f"hx.sheet.{sheet}") for sheet in SHEETS},
        headers={sheet: {c.key: header(sheet, c.key) for c in COLUMNS[sheet]} for sheet in SHEETS},
        notes={sheet: {c.key: note(c) for c in COLUMNS[sheet]} for sheet in SHEETS},
        codes={
            name: {code: t_plain(lang, f"{_CODE_WORDS[name]}.{code}") for code in codes}
            for name, codes in FIXED_LISTS.items()
        },
        lists={name: t_plain(lang, f"hx.list.{name}") for name in (*FIXED_LISTS, *DATABASE_LISTS)},
        lists_sheet=t_plain(lang, "hx.lists_sheet"),
        notes_sheet=t_plain(lang, "hx.notes_sheet"),
        examples_sheet=t_plain(lang, "hx.examples_sheet"),
        notes_headers=(
            t_plain(lang, "hx.notes_header.sheet"),
            t_plain(lang, "hx.notes_header.column"),
            t_plain(lang, "hx.notes_header.required"),
            t_plain(lang, "hx.notes_header.how"),
        ),
        required=t_plain(lang, "hx.required"),
        masked_note=t_plain(lang, "hx.masked_note"),
    )


def masked_cell(kind: Kind, value: object) -> str | None:
    """A personal cell as a reader without ``pii.view`` gets it (as the card shows it): a phone's middle
    digits, a birth date's month and day, a name's letters after the first. The import takes such a cell as
    the value it hides when it is exactly this of the stored one."""
    if isinstance(value, date):
        return f"{value.year}.**.**"
    text = str(value)
    if kind is Kind.PHONE:
        return mask_phone(text)
    if kind is Kind.EMAIL:
        return mask_email(text)
    if kind is Kind.BLOCK:
        return mask_names(text)
    return text[0] + "*" * (len(text) - 1) if text else text


def list_values(words: SheetWords, database: Mapping[str, Sequence[str]]) -> dict[str, Sequence[str]]:
    """Every list by its name on the lists sheet: the fixed ones in words, the database's as they are."""
    values: dict[str, Sequence[str]] = {words.lists[name]: list(words.codes[name].values()) for name in FIXED_LISTS}
    values.update({words.lists[name]: list(database.get(name, ())) for name in DATABASE_LISTS})
    return values


# 작성 예시: the report's example screen (성동삼성쉐르빌), one row per sheet, codes as stored.
_EXAMPLE_KEY = {"complex": "성동삼성쉐르빌(주상복합)", "admin_dong": "왕십리도선동"}
EXAMPLES: Mapping[str, Mapping[str, Any]] = {
    "complex": {
        "name": "성동삼성쉐르빌(주상복합)",
        "admin_dong": "왕십리도선동",
        "kind": "apartment",
        "management_type": "mandatory",
        "address": "무학로6길 50",
        "building_count": 3,
        "household_count": 342,
        "floors_min": 4,
        "floors_max": 27,
        "approved_on": date(2006, 9, 13),
        "area_1": 0,
        "area_2": 0,
        "area_3": 40,
        "area_4": 302,
        "area_5": 0,
        "kapt_code": "A13301001",
    },
    "office": {
        **_EXAMPLE_KEY,
        "phone": "02-2297-3421",
        "manager_name": "이상훈",
        "manager_birth_date": date(1966, 5, 21),
        "manager_mobile": "010-4418-2307",
        "manager_license_no": "2012-7166",
        "manager_license_grade": "사",
        "manager_assigned_on": date(2013, 4, 23),
    },
    "representative": {
        **_EXAMPLE_KEY,
        "position": "회장",
        "name": "이정숙",
        "gender": "F",
        "birth_date": date(1954, 2, 11),
        "building_unit": "101동 1203호",
        "phone": "010-3291-4475",
        "term_start": date(2016, 3, 14),
        "term_end": date(2018, 3, 13),
    },
    "group": {
        **_EXAMPLE_KEY,
        "kind": "community_activation",
        "name": "쉐르빌사랑회",
        "leader_position": "회장",
        "leader_name": "김순희",
        "leader_phone": "010-7720-5813",
        "member_count": 0,
        "formed_on": date(2016, 4, 29),
    },
    "project": {
        **_EXAMPLE_KEY,
        "kind": "공동체활성화",
        "name": "삼성쉐르빌",
        "period_start": date(2016, 3, 28),
        "period_end": date(2016, 11, 30),
        "amount": 1_590,
        "returned_amount": 0,
    },
    "complaint": {
        **_EXAMPLE_KEY,
        "received_on": date(2016, 5, 2),
        "channel": "phone",
        "complainant": "박민원",
        "contact": "010-2345-6789",
        "content": "지하주차장 누수",
        "state": "received",
        "assignee": "hong01",
    },
}
