"""Grant scopes: where a grant of each permission may be limited (one department, or some administrative
dongs), and how a request for one is checked and how the audit log records it."""

from __future__ import annotations

from core.errors import InvalidInput
from core.permissions import Permission
from core.staff.values import GrantRequest, ScopeKind
from core.values import GrantScope

# Where a grant of each permission may be limited. The services read dong scopes for housing and personal data
# (core/housing/lookup.py) and text messages (core/sms/selection.py), and department scopes for benchmarking
# (core/benchmark/workflow.py); any other scope would be stored and silently ignored, letting an admin believe a
# grant is narrower than it is, so it is refused.
SCOPE_OF: dict[Permission, ScopeKind] = {
    Permission.HOUSING_READ: ScopeKind.DONGS,
    Permission.HOUSING_WRITE: ScopeKind.DONGS,
    Permission.PII_VIEW: ScopeKind.DONGS,
    Permission.COMMUNITY_READ: ScopeKind.NONE,
    Permission.COMMUNITY_WRITE: ScopeKind.NONE,
    Permission.BENCHMARK_EXECUTE: ScopeKind.DEPARTMENT,
    Permission.BENCHMARK_COORDINATE: ScopeKind.DEPARTMENT,
    Permission.SMS_SEND: ScopeKind.DONGS,
    Permission.ADMIN: ScopeKind.NONE,
}


def scope_details(scope: GrantScope | None) -> dict[str, object] | None:
    if scope is None:
        return None
    return {"department_id": scope.department_id, "dong_ids": sorted(scope.admin_dong_ids)}


def parse_permission(name: str) -> Permission:
    try:
        return Permission(name)
    except ValueError:
        raise InvalidInput("unknown_permission", name[:60], names=name[:60]) from None


def check_scope(permission: Permission, request: GrantRequest) -> None:
    if request.department_id is not None and request.dong_ids:
        raise InvalidInput("grant_scope_both")
    wanted = (
        ScopeKind.DEPARTMENT
        if request.department_id is not None
        else ScopeKind.DONGS
        if request.dong_ids
        else ScopeKind.NONE
    )
    if wanted is not ScopeKind.NONE and SCOPE_OF[permission] is not wanted:
        raise InvalidInput("grant_scope_not_applicable", permission=permission.value, scope=wanted.value)
