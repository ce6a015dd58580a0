"""The domain's rules for housing records, written once: the demo generator, Excel imports and the edit
dialogues all build drafts and pass them through these checks before anything is stored.

Each refusal is an ``InvalidInput`` whose code names the broken rule and whose parameters name the field,
so a dialogue can say exactly what to fix. The database's CHECK constraints repeat a few of these rules as a
last line of defence; they cannot say which field was wrong."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from core.errors import InvalidInput
from core.housing.values import ComplexDraft, GroupDraft, Office, RepresentativeDraft, SupportProjectDraft
from core.masking import check_normalized_phone
from core.text_input import check_text

APARTMENT = "apartment"
ROW_HOUSE = "row_house"
COMPLEX_KINDS = (APARTMENT, ROW_HOUSE)
MANAGEMENT_TYPES = ("mandatory", "voluntary", "rental")  # 의무관리 / 임의관리 / 임대
KAPT_MANAGEMENT_MODES = ("self", "entrusted")  # K-apt's 자치관리 / 위탁관리
GROUP_KINDS = ("community_activation", "other")
GENDERS = ("M", "F")
LICENSE_GRADES = ("사", "보")  # 주택관리사 / 주택관리사보
AREA_BANDS = 5  # ≤33㎡, 33–62.7㎡, 66–95.7㎡, 99–128.7㎡, ≥132㎡
# Rules that only warn: the member (or the one who loads a workbook) confirms and the record is saved.
AREA_BANDS_WARNING = "area_bands_mismatch"
CRITERION_WARNING = "over_criterion"

# K-apt (공동주택관리정보시스템) codes are "A" and eight digits, e.g. A13306001.
_KAPT_CODE = re.compile(r"A\d{8}")
# Loose on purpose: the office types what it is given; a mail server is the real judge.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# Column widths of the schema (storage/models.py): PostgreSQL refuses longer text with an error that
# cannot name the field, so the limit is checked here first. A test keeps the two in step.
TEXT_LIMITS: dict[str, int] = {
    "complex.name": 100,
    "complex.address": 200,
    "complex.kapt_code": 20,
    "office.phone": 20,
    "office.manager_name": 50,
    "office.manager_license_no": 30,
    "representative.position": 20,
    "representative.name": 50,
    "representative.building_unit": 30,
    "group.name": 100,
    "group.leader_position": 20,
    "group.leader_name": 50,
    "group.leader_email": 100,
    "group.members": 1000,
    "project.kind": 30,
    "project.name": 100,
}


def check_record(record: str, whole: Mapping[str, object]) -> None:
    """The rules of a whole ledger record (``whole``: each of its fields by name, see ``core.housing.fields``),
    as the dialogues and the Excel import both check it; the bands not adding up is ``AREA_BANDS_WARNING``."""
    values = dict(whole)
    if record == "complex":
        check_complex(ComplexDraft(**values))  # type: ignore[arg-type]
    elif record == "office":
        check_office(Office(**values))  # type: ignore[arg-type]
    elif record == "representative":
        check_representative(RepresentativeDraft(**values))  # type: ignore[arg-type]
    elif record == "group":
        check_group(GroupDraft(**values))  # type: ignore[arg-type]
    else:
        values["returned_amount"] = values.get("returned_amount") or 0
        check_support_project(SupportProjectDraft(**values))  # type: ignore[arg-type]


def check_criterion(kind: str, amount: int, criterion: tuple[int | None, str] | None) -> InvalidInput | None:
    """A project's amount against its 지원기준 (``criterion``: the maximum in 천원 and ``refuse`` or ``warn``; None
    for a kind the admin's list does not name, as older records have): refused above a refusing maximum, and
    above a warning one the warning to confirm (``CRITERION_WARNING``, returned, not raised)."""
    if criterion is None:
        return None
    maximum, enforcement = criterion
    if maximum is None or amount <= maximum:
        return None
    if enforcement == "warn":
        return InvalidInput(CRITERION_WARNING, criterion=kind, maximum=maximum, amount=amount)
    raise InvalidInput("ledger_over_criterion", criterion=kind, maximum=maximum, amount=amount)


def check_complex(draft: ComplexDraft) -> None:
    _text(draft.name, "complex.name", required=True)
    _text(draft.address, "complex.address", required=True)
    _text(draft.admin_dong, "complex.admin_dong", required=True)
    check_kind_and_management(draft.kind, draft.management_type)
    if draft.kapt_code is not None and not _KAPT_CODE.fullmatch(draft.kapt_code):
        raise InvalidInput("invalid_kapt_code", value=draft.kapt_code)
    if draft.kapt_management_mode not in (None, *KAPT_MANAGEMENT_MODES):
        raise InvalidInput("unknown_kapt_management_mode", value=draft.kapt_management_mode)
    check_non_negative("complex.building_count", draft.building_count)
    check_non_negative("complex.household_count", draft.household_count)
    check_floors(draft.floors_min, draft.floors_max)
    check_area_bands(draft.households_by_area, draft.household_count)


def check_kind_and_management(kind: str, management_type: str | None) -> None:
    """Apartments are managed one of three ways; the law's management types do not apply to row houses."""
    if kind not in COMPLEX_KINDS:
        raise InvalidInput("unknown_complex_kind", value=kind)
    if kind == ROW_HOUSE:
        if management_type is not None:
            raise InvalidInput("management_type_not_applicable", value=management_type)
    elif management_type is None:
        raise InvalidInput("management_type_required")
    elif management_type not in MANAGEMENT_TYPES:
        raise InvalidInput("unknown_management_type", value=management_type)


def check_floors(floors_min: int | None, floors_max: int | None) -> None:
    check_non_negative("complex.floors_min", floors_min)
    check_non_negative("complex.floors_max", floors_max)
    if floors_min is not None and floors_max is not None and floors_min > floors_max:
        raise InvalidInput("floors_reversed", floors_min=floors_min, floors_max=floors_max)


def check_area_bands(bands: tuple[int, ...], household_count: int) -> None:
    """The 면적별 가구수 split every household into exactly one band, so the bands add up to the whole."""
    if len(bands) != AREA_BANDS:
        raise InvalidInput("area_bands_count", expected=AREA_BANDS, given=len(bands))
    for number, value in enumerate(bands, start=1):
        check_non_negative(f"complex.households_area_{number}", value)
    if sum(bands) != household_count:
        raise InvalidInput("area_bands_mismatch", total=sum(bands), household_count=household_count)


def check_office(draft: Office) -> None:
    _text(draft.manager_name, "office.manager_name")
    _text(draft.manager_license_no, "office.manager_license_no")
    if draft.manager_license_grade not in (None, *LICENSE_GRADES):
        raise InvalidInput("unknown_license_grade", value=draft.manager_license_grade)
    check_normalized_phone("office.phone", draft.phone)
    check_normalized_phone("office.fax", draft.fax)
    check_normalized_phone("office.manager_mobile", draft.manager_mobile)
    born, assigned = draft.manager_birth_date, draft.manager_assigned_on
    if born is not None and assigned is not None and assigned <= born:
        raise InvalidInput("assigned_before_birth", birth_date=born, assigned_on=assigned)


def check_representative(draft: RepresentativeDraft) -> None:
    _text(draft.position, "representative.position", required=True)
    _text(draft.name, "representative.name", required=True)
    _text(draft.building_unit, "representative.building_unit")
    if draft.gender not in (None, *GENDERS):
        raise InvalidInput("unknown_gender", value=draft.gender)
    check_normalized_phone("representative.phone", draft.phone)
    check_term(draft.term_start, draft.term_end)


def check_term(start: date | None, end: date | None) -> None:
    """A term of office ends after it starts (the schema's ``term_order`` constraint, said with a reason)."""
    if start is not None and end is not None and end <= start:
        raise InvalidInput("term_reversed", term_start=start, term_end=end)


def check_group(draft: GroupDraft) -> None:
    if draft.kind not in GROUP_KINDS:
        raise InvalidInput("unknown_group_kind", value=draft.kind)
    _text(draft.name, "group.name", required=True)
    _text(draft.leader_position, "group.leader_position")
    _text(draft.leader_name, "group.leader_name")
    _text(draft.leader_email, "group.leader_email")
    _text(draft.members, "group.members")
    check_normalized_phone("group.leader_phone", draft.leader_phone)
    if draft.leader_email is not None and not _EMAIL.fullmatch(draft.leader_email):
        raise InvalidInput("invalid_email", value=draft.leader_email)
    check_non_negative("group.member_count", draft.member_count)


def check_support_project(draft: SupportProjectDraft) -> None:
    _text(draft.kind, "project.kind", required=True)
    _text(draft.name, "project.name", required=True)
    check_period(draft.period_start, draft.period_end)
    check_returned_amount(draft.amount, draft.returned_amount)


def check_period(start: date | None, end: date | None) -> None:
    """A project may last a single day, so its period ends on or after it starts."""
    if start is not None and end is not None and end < start:
        raise InvalidInput("period_reversed", period_start=start, period_end=end)


def check_returned_amount(amount: int, returned_amount: int) -> None:
    """Only unspent grant money comes back: between nothing and the whole grant."""
    check_non_negative("project.amount", amount)
    check_non_negative("project.returned_amount", returned_amount)
    if returned_amount > amount:
        raise InvalidInput("returned_exceeds_amount", amount=amount, returned_amount=returned_amount)


def check_non_negative(field: str, value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidInput("negative_number", field=field, value=value)


def _text(value: str | None, field: str, *, required: bool = False) -> None:
    check_text(value, field, TEXT_LIMITS.get(field), required=required)
