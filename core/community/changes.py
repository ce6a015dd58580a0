"""What changing a community record shares, for organisations and grant projects alike: the refusal of a change
made on an old version, and the audit entry of a change with its old → new values.

A change names the version of the record it was made on; if someone else saved the record in between, it is
refused with ``ChangedMeanwhile``, which says who and carries the record as it now stands (masked as the member
may see it), so the member can apply the same change again on top of it."""

from __future__ import annotations

from collections.abc import Mapping

from core.clock import Clock
from core.community.fields import json_value
from core.community.values import GrantProjectRecord, OrganizationRecord
from core.errors import StaleRecord
from core.values import StaffMember
from storage.uow import UnitOfWork


class ChangedMeanwhile(StaleRecord):
    """``current`` is the record as it now stands (None when it is gone); ``params["name"]`` who saved it."""

    def __init__(self, current: OrganizationRecord | GrantProjectRecord | None) -> None:
        if current is None:
            super().__init__("removed meanwhile")
            self.code = "community_removed_meanwhile"
        else:
            super().__init__("changed meanwhile", name=current.updated_by or "")
            self.code = "community_changed_meanwhile" if current.updated_by else "community_changed_meanwhile_unknown"
        self.current = current


def changed_fields(current: Mapping[str, object], wanted: Mapping[str, object]) -> dict[str, object]:
    """The wanted values that differ from the record's."""
    return {name: value for name, value in wanted.items() if current.get(name) != value}


async def audit_edit(
    uow: UnitOfWork,
    clock: Clock,
    actor: StaffMember,
    *,
    action: str,
    target_type: str,
    target_id: int,
    before: Mapping[str, object],
    changes: Mapping[str, object],
) -> None:
    """One entry per saved change, its fields' old → new values as JSON (the caller commits)."""
    await uow.audit.record(
        at=clock.now(),
        actor_staff_id=actor.id or None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details={"changes": {k: [json_value(before.get(k)), json_value(v)] for k, v in changes.items()}},
    )
