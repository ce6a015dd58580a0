"""The community import's rules for one row: the column a refusal points at, the natural key a row is matched
by, what a masked cell stands for, and the audit entry of a row's addition or change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.community.fields import FACILITY_FIELDS, ORGANIZATION, json_value
from core.community.sheets import COMPLEX, COMPLEX_DONG
from core.errors import InvalidInput
from core.masking import mask_email, mask_phone

# The column a record's rule points at when its refusal names no field of its own.
_RULE_COLUMNS = {
    "founded_in_future": "founded_on",
    "grant_needs_complex": COMPLEX,
    "grant_complex_only_for_housing": COMPLEX,
    "grant_unknown_complex": COMPLEX,
    "community_unknown_dong": "admin_dong",
    "community_unknown_field": "field",
    "community_unknown_legal_type": "legal_type",
    "community_unknown_sponsor": "sponsor",
    "invalid_email": "email",
    "invalid_homepage": "homepage",
}
# A facility's field as its refusal names it (facility.remarks) and as the sheet's column does.
_FACILITY_COLUMNS = {name: flat for flat, name in FACILITY_FIELDS.items()}


@dataclass(frozen=True, slots=True)
class Masked:
    """A personal cell as a reader without ``pii.view`` exported it (010-****-5678)."""

    text: str


def unmask(values: dict[str, Any], current: tuple[int, int, dict[str, Any]] | None) -> None:
    """Each masked cell stands for the stored value it hides; one that hides another value, or sits on a new
    record, is a problem (the member must write the value itself)."""
    for name, value in values.items():
        if isinstance(value, Masked):
            stored = current[2].get(name) if current is not None else None
            if stored is None or value.text not in (mask_phone(str(stored)), mask_email(str(stored))):
                raise InvalidInput("import_masked", field=name)
            values[name] = stored


def column_of(error: InvalidInput) -> str:
    """The column a refusal points at: its rule's, or the field it names (``organization.email``)."""
    if error.code in _RULE_COLUMNS:
        return _RULE_COLUMNS[error.code]
    record, _, name = str(error.params.get("field", "")).rpartition(".")
    return _FACILITY_COLUMNS.get(name, name) if record == "facility" else name


def natural_key(record: str, values: dict[str, Any]) -> tuple[Any, ...]:
    if record == ORGANIZATION:
        return (values.get("name"), values.get("admin_dong"))
    return (
        values.get("sponsor"),
        values.get("year"),
        values.get("name"),
        values.get(COMPLEX),
        values.get(COMPLEX_DONG),
    )


def audit_entry(
    at: datetime,
    by: int | None,
    action: str,
    target_type: str,
    target_id: int,
    before: dict[str, Any],
    changes: dict[str, Any],
) -> dict[str, Any]:
    return {
        "at": at,
        "actor_staff_id": by,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "details": {
            "via": "import",
            "changes": {k: [json_value(before.get(k)), json_value(v)] for k, v in changes.items()},
        },
    }
