"""What every part of the housing ledger does alike: find the complex a change or a view is about, refused
unless the actor's grant covers its dong, and write the audit log's two entries about a complex.

- A change to one of its records (``core.housing.values.RECORDS``) is ``housing.<record>.<verb>`` with
  ``{"record_id", "changes": {field: [old, new]}}``: the complex's history (``core.housing.history``) reads
  exactly these.
- A view of its personal data unmasked is ``pii.view`` with where it was seen (``via``)."""

from __future__ import annotations

from core.clock import Clock
from core.errors import NotFound, PermissionDenied
from core.housing.values import ComplexDetail
from core.permissions import Permission, covers_dong
from core.values import StaffMember
from storage.uow import ReadUnit, UnitOfWork


async def covered_complex(
    uow: UnitOfWork | ReadUnit, actor: StaffMember, complex_id: int, permission: Permission
) -> ComplexDetail:
    """The complex, when ``actor`` holds ``permission`` for its dong; NotFound or PermissionDenied otherwise."""
    detail = await uow.housing.load_complex_detail(complex_id)
    if detail is None:
        raise NotFound(f"complex {complex_id}")
    if not covers_dong(actor, permission, detail.admin_dong_id):
        raise PermissionDenied(
            f"{actor.saeol_id} lacks {permission.value} for the dong of complex {complex_id}",
            permission=permission.value,
        )
    return detail


async def audit_change(
    uow: UnitOfWork,
    clock: Clock,
    actor: StaffMember,
    action: str,
    complex_id: int,
    record_id: int,
    changes: dict[str, list[object]],
    **extra: object,
) -> None:
    """``action`` is ``housing.<record>.<add|edit|remove>``."""
    await uow.audit.record(
        at=clock.now(),
        actor_staff_id=actor.id or None,
        action=action,
        target_type="complex",
        target_id=complex_id,
        details={"record_id": record_id, "changes": changes, **extra},
    )


async def audit_personal_view(
    uow: UnitOfWork, clock: Clock, actor: StaffMember, complex_id: int, via: str, **details: object
) -> None:
    await uow.audit.record(
        at=clock.now(),
        actor_staff_id=actor.id or None,
        action="pii.view",
        target_type="complex",
        target_id=complex_id,
        details={"via": via, **details},
    )
