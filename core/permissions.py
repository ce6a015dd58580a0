"""What a staff member may see or do. Every service checks here; hiding a button is not security.

A grant may be scoped (``StaffMember.scopes``): to administrative dongs for housing and personal data (a
housing officer who covers 성수 sees only 성수), to a department for benchmarking. ``can`` says whether a
permission is held at all; the scope helpers say where."""

from __future__ import annotations

from enum import StrEnum

from core.errors import InvalidInput, PermissionDenied
from core.values import GrantScope, StaffMember


class Permission(StrEnum):
    HOUSING_READ = "housing.read"
    HOUSING_WRITE = "housing.write"
    PII_VIEW = "pii.view"
    COMMUNITY_READ = "community.read"
    COMMUNITY_WRITE = "community.write"
    BENCHMARK_EXECUTE = "benchmark.execute"
    BENCHMARK_COORDINATE = "benchmark.coordinate"
    SMS_SEND = "sms.send"
    ADMIN = "admin"


def parse_permissions(names: list[str] | tuple[str, ...]) -> frozenset[str]:
    known = {p.value for p in Permission}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidInput("unknown_permission", ", ".join(unknown), names=", ".join(unknown))
    return frozenset(names)


def can(actor: StaffMember, permission: Permission) -> bool:
    return actor.active and permission.value in actor.permissions


def require(actor: StaffMember, permission: Permission) -> None:
    if not can(actor, permission):
        raise PermissionDenied(f"{actor.saeol_id} lacks {permission.value}", permission=permission.value)


def scope_of(actor: StaffMember, permission: Permission) -> GrantScope | None:
    """The scope of the actor's grant of ``permission``; None when it holds everywhere (or is not held:
    ask ``can`` first)."""
    scope = actor.scopes.get(permission.value)
    return None if scope is None or scope.unlimited else scope


def dong_scope(actor: StaffMember, permission: Permission) -> frozenset[int] | None:
    """The administrative dongs the grant covers; None means every dong."""
    scope = scope_of(actor, permission)
    return scope.admin_dong_ids if scope is not None and scope.admin_dong_ids else None


def department_scope(actor: StaffMember, permission: Permission) -> int | None:
    """The one department the grant covers; None means no department limit."""
    scope = scope_of(actor, permission)
    return scope.department_id if scope is not None else None


def covers_dong(actor: StaffMember, permission: Permission, admin_dong_id: int) -> bool:
    """Holds ``permission`` for this dong: held, and unscoped or scoped to include it."""
    dongs = dong_scope(actor, permission)
    return can(actor, permission) and (dongs is None or admin_dong_id in dongs)


def covers_department(actor: StaffMember, permission: Permission, department_id: int) -> bool:
    """Holds ``permission`` for this department: held, and unscoped or scoped to it."""
    scoped = department_scope(actor, permission)
    return can(actor, permission) and (scoped is None or scoped == department_id)
