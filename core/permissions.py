"""What a staff member may see or do. Every service checks here; hiding a button is not security."""

from __future__ import annotations

from enum import StrEnum

from core.errors import InvalidInput, PermissionDenied
from core.values import StaffMember


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
