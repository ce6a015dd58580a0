"""Staff administration (전산정보과): find, add and edit staff members, deactivate and re-activate them, unbind
their Telegram account, issue link codes, grant or revoke permissions with an optional scope, and make an
admin from the server's shell (``dongne admin create``/``admin password``).

The admin pages and the JSON API both call these; each checks ``admin`` first, works in one unit of work and
writes an audit entry with the old and the new values. The bot reads a member's ``active`` flag and grants
afresh on every update, so every change here takes effect on the member's next message, with no restart."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import Clock
from core.errors import DongneError, InvalidInput, NotFound, StaffInactive, StaleRecord
from core.permissions import Permission, can, require
from core.staff.access import AdminAccess
from core.staff.directory import DEPARTMENT_LIMIT, NAME_LIMIT, SAEOL_ID, SYSTEM_ACTOR, StaffDirectory
from core.staff.scopes import SCOPE_OF, check_scope, parse_permission, scope_details
from core.staff.values import (
    AdminMade,
    GrantRequest,
    GrantView,
    LinkCodeIssued,
    NamedRow,
    RoleChoices,
    StaffDetail,
    StaffDraft,
    StaffEdit,
    StaffQuery,
    StaffRow,
    StaffSummary,
)
from core.text_input import clean_text
from core.values import GrantRecord, GrantScope, Page, StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

MAX_PAGE_SIZE = 100
SEARCH_LIMIT = 50
# Ids are PostgreSQL integers: a larger number names nothing, and asking for it would be a database error.
LARGEST_ID = 2**31 - 1


class AlreadyDone(DongneError):
    """The change asked for is already in effect (revoked twice, deactivated twice): reported as a conflict,
    so a double click or a stale page gets a clear answer and nothing is written twice."""

    def __init__(self, code: str, detail: str = "", **params: object) -> None:
        super().__init__(detail or code, **params)
        self.code = code


def check_id(value: int) -> int:
    """A record id as a caller gave it: one that cannot exist is simply not found."""
    if not 0 < value <= LARGEST_ID:
        raise NotFound(str(value))
    return value


class StaffAdministration:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, link_code_ttl: timedelta) -> None:
        self._uow = uow
        self._clock = clock
        # Adding a member and making link codes have one set of rules each: the directory's.
        self._directory = StaffDirectory(uow, clock, link_code_ttl=link_code_ttl)
        self._access = AdminAccess(uow, clock)

    # -- reading ---------------------------------------------------------------------------------------

    async def list_staff(self, actor: StaffMember, query: StaffQuery) -> Page[StaffSummary]:
        require(actor, Permission.ADMIN)
        text = " ".join(query.text.split())
        if len(text) > SEARCH_LIMIT:
            raise InvalidInput("search_too_long", limit=SEARCH_LIMIT)
        size = min(max(query.size, 1), MAX_PAGE_SIZE)
        number = min(max(query.page, 0), LARGEST_ID // size)
        async with self._uow() as uow:
            rows, total = await uow.staff_admin.search_staff(
                text=text, active=query.active, offset=number * size, limit=size
            )
            grants = await uow.grants.list_grants_of(r.id for r in rows)
            every = [g for held in grants.values() for g in held]
            departments = {d.id: d.name for d in await uow.staff_admin.list_departments()} if every else {}
            dongs = await uow.staff_admin.list_admin_dongs() if any(g.scope.admin_dong_ids for g in every) else []
        items = tuple(
            StaffSummary(
                id=r.id,
                saeol_id=r.saeol_id,
                name=r.name,
                department=r.department,
                active=r.active,
                telegram_bound=r.telegram_user_id is not None,
                grants=tuple(self._grant_view(g, departments, dongs) for g in grants.get(r.id, [])),
            )
            for r in rows
        )
        return Page(items=items, number=number, size=size, total=total)

    async def get(self, actor: StaffMember, staff_id: int) -> StaffDetail:
        require(actor, Permission.ADMIN)
        check_id(staff_id)
        async with self._uow() as uow:
            return await self._detail(uow, staff_id)

    async def role_choices(self, actor: StaffMember) -> RoleChoices:
        require(actor, Permission.ADMIN)
        async with self._uow() as uow:
            departments = await uow.staff_admin.list_departments()
            dongs = await uow.staff_admin.list_admin_dongs()
        return RoleChoices(
            permissions=tuple((p.value, SCOPE_OF[p]) for p in Permission),
            departments=tuple(departments),
            dongs=tuple(dongs),
        )

    # -- staff members ---------------------------------------------------------------------------------

    async def add(self, actor: StaffMember, draft: StaffDraft) -> StaffDetail:
        """A new staff member with no permissions and no Telegram account yet (issue a link code next), added
        the one way every entry point adds one: ``StaffDirectory.add_staff``, its rules and its audit entry."""
        staff, _ = await self._directory.add_staff(
            actor, saeol_id=draft.saeol_id, name=draft.name, department=draft.department, issue_code=False
        )
        return await self.get(actor, staff.id)

    async def edit(self, actor: StaffMember, staff_id: int, change: StaffEdit) -> StaffDetail:
        """Rename or move a member. ``change.version`` is the version the admin's form showed: if anyone changed
        the member since, the edit is refused (StaleRecord) rather than silently undoing their change."""
        require(actor, Permission.ADMIN)
        check_id(staff_id)
        name = clean_text(change.name, "name", NAME_LIMIT) if change.name is not None else None
        department = (
            clean_text(change.department, "department", DEPARTMENT_LIMIT) if change.department is not None else None
        )
        async with self._uow(write=True) as uow:
            row = await self._row(uow, staff_id)
            if row.version != change.version:
                raise StaleRecord(str(staff_id), version=row.version)
            name, department = name or row.name, department or row.department
            old = {"name": row.name, "department": row.department}
            new = {"name": name, "department": department}
            if old == new:
                return await self._detail(uow, staff_id)
            department_id = await uow.staff.ensure_department(department)
            if not await uow.staff_admin.update_staff(
                staff_id, expected_version=change.version, name=name, department_id=department_id
            ):
                raise StaleRecord(str(staff_id))
            changed = [key for key in old if old[key] != new[key]]
            await self._audit(
                uow,
                actor,
                staff_id,
                action="staff.edit",
                details={"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}},
            )
            detail = await self._detail(uow, staff_id)
            await uow.commit()
        return detail

    async def deactivate(self, actor: StaffMember, staff_id: int) -> StaffDetail:
        """Stop a member: the bot refuses their very next update, and their admin sessions end now."""
        require(actor, Permission.ADMIN)
        check_id(staff_id)
        if staff_id == actor.id:
            raise InvalidInput("staff_own_account")
        return await self._set_active(actor, staff_id, False)

    async def activate(self, actor: StaffMember, staff_id: int) -> StaffDetail:
        require(actor, Permission.ADMIN)
        check_id(staff_id)
        return await self._set_active(actor, staff_id, True)

    async def _set_active(self, actor: StaffMember, staff_id: int, active: bool) -> StaffDetail:
        async with self._uow(write=True) as uow:
            await self._row(uow, staff_id)
            if not await uow.staff_admin.set_active(staff_id, active):
                raise AlreadyDone("already_active" if active else "already_inactive", str(staff_id))
            if not active:
                await uow.admin.delete_sessions_of(staff_id)
                await self._revoke_tokens(uow, actor, staff_id, via="staff_deactivated")
            await self._audit(
                uow,
                actor,
                staff_id,
                action="staff.activate" if active else "staff.deactivate",
                details={"old": {"active": not active}, "new": {"active": active}},
            )
            detail = await self._detail(uow, staff_id)
            await uow.commit()
        return detail

    async def unbind_telegram(self, actor: StaffMember, staff_id: int) -> StaffDetail:
        """Forget the member's Telegram account (a lost or changed phone); a new link code binds the next one."""
        require(actor, Permission.ADMIN)
        check_id(staff_id)
        async with self._uow(write=True) as uow:
            row = await self._row(uow, staff_id)
            if not await uow.staff_admin.unbind_telegram(staff_id):
                raise AlreadyDone("already_unbound", str(staff_id))
            await self._audit(
                uow,
                actor,
                staff_id,
                action="staff.unbind",
                details={"old": {"telegram_user_id": row.telegram_user_id}, "new": {"telegram_user_id": None}},
            )
            detail = await self._detail(uow, staff_id)
            await uow.commit()
        return detail

    async def issue_link_code(self, actor: StaffMember, staff_id: int) -> LinkCodeIssued:
        """A new one-time code to bind (or re-bind) the member's Telegram account; audited by the directory."""
        require(actor, Permission.ADMIN)
        check_id(staff_id)
        async with self._uow() as uow:
            row = await self._row(uow, staff_id)
        return await self._directory.issue_link_code(actor, row.saeol_id)

    # -- admins, from the server's shell ---------------------------------------------------------------

    async def admin_to_be(self, saeol_id: str, *, creating: bool, name: str | None) -> StaffMember | None:
        """Everything ``dongne admin create`` (``creating``) or ``admin password`` can be refused for, checked
        before the operator types the password twice: the member, or None when one is to be created."""
        username = saeol_id.strip().lower()
        if not SAEOL_ID.match(username):
            raise InvalidInput("invalid_saeol_id", username)
        async with self._uow() as uow:
            staff = await uow.staff.find_staff_by_saeol_id(username)
        if staff is None and not creating:
            raise NotFound(username)
        if staff is not None and not staff.active:
            raise StaffInactive(username)
        if staff is None and not (name or "").strip():
            raise InvalidInput("admin_name_needed", username, saeol_id=username)
        if not creating and staff is not None and not can(staff, Permission.ADMIN):
            raise InvalidInput("not_admin", username, saeol_id=username)
        return staff

    async def make_admin(
        self, saeol_id: str, password: str, *, creating: bool, name: str | None, department: str | None
    ) -> AdminMade:
        """Set an admin's password as the operator at the server's shell, who is trusted with the database
        itself. With ``creating``, a member who does not exist yet is added as an admin (of ``department``)
        and one who is not an admin is granted ``admin``, audited as any admin's grant would be."""
        staff = await self.admin_to_be(saeol_id, creating=creating, name=name)
        if staff is None:
            staff, _ = await self._directory.add_staff(
                SYSTEM_ACTOR,
                saeol_id=saeol_id,
                name=name or "",
                department=department or "",
                permissions=[Permission.ADMIN.value],
                issue_code=False,
            )
            made = AdminMade(staff, created=True)
        elif not can(staff, Permission.ADMIN):
            # Held everywhere: ``admin`` takes no scope.
            await self.grant(SYSTEM_ACTOR, staff.id, GrantRequest(Permission.ADMIN.value))
            made = AdminMade(staff, granted=True)
        else:
            made = AdminMade(staff)
        await self._access.set_password(SYSTEM_ACTOR, staff.saeol_id, password)
        return made

    # -- roles -----------------------------------------------------------------------------------------

    async def grant(self, actor: StaffMember, staff_id: int, request: GrantRequest) -> StaffDetail:
        """Grant a permission, optionally limited to one department or to some administrative dongs (not both).
        Granting a held permission again replaces its scope."""
        require(actor, Permission.ADMIN)
        check_id(staff_id)
        permission = parse_permission(request.permission)
        check_scope(permission, request)
        async with self._uow(write=True) as uow:
            await self._row(uow, staff_id)
            await self._check_scope_ids(uow, request)
            held = await uow.grants.get_grant(staff_id, permission.value)
            wanted = GrantScope(department_id=request.department_id, admin_dong_ids=frozenset(request.dong_ids))
            if held is not None and held.scope == wanted:
                return await self._detail(uow, staff_id)  # nothing to change, nothing to audit
            await uow.grants.set_grant(
                staff_id,
                permission.value,
                department_id=request.department_id,
                dong_ids=sorted(request.dong_ids),
                now=self._clock.now(),
            )
            await self._audit(
                uow,
                actor,
                staff_id,
                action="role.grant",
                details={
                    "permission": permission.value,
                    "old": scope_details(held.scope) if held is not None else None,
                    "new": scope_details(wanted),
                },
            )
            detail = await self._detail(uow, staff_id)
            await uow.commit()
        return detail

    async def revoke(self, actor: StaffMember, staff_id: int, permission_name: str) -> StaffDetail:
        """Take a permission away; revoking one not held (e.g. twice) is refused with a clear answer."""
        require(actor, Permission.ADMIN)
        check_id(staff_id)
        permission = parse_permission(permission_name)
        if staff_id == actor.id and permission is Permission.ADMIN:
            raise InvalidInput("staff_own_account")
        async with self._uow(write=True) as uow:
            await self._row(uow, staff_id)
            await self.revoke_in(uow, actor, staff_id, permission)
            detail = await self._detail(uow, staff_id)
            await uow.commit()
        return detail

    async def revoke_in(self, uow: UnitOfWork, actor: StaffMember, staff_id: int, permission: Permission) -> None:
        """Take ``permission`` away inside the caller's unit of work (a handover ends every role with the work
        it moves): the admin's sessions and API tokens go with ``admin``, and the change is audited. The caller
        has checked the actor is an admin."""
        held = await uow.grants.get_grant(staff_id, permission.value)
        if held is None or not await uow.grants.revoke_grant(staff_id, permission.value):
            raise AlreadyDone("already_revoked", permission.value, permission=permission.value)
        if permission is Permission.ADMIN:
            await uow.admin.delete_sessions_of(staff_id)
            await self._revoke_tokens(uow, actor, staff_id, via="admin_revoked")
        await self._audit(
            uow,
            actor,
            staff_id,
            action="role.revoke",
            details={"permission": permission.value, "old": scope_details(held.scope), "new": None},
        )

    # -- helpers ---------------------------------------------------------------------------------------

    async def _row(self, uow: UnitOfWork, staff_id: int) -> StaffRow:
        row = await uow.staff_admin.get_staff_row(staff_id)
        if row is None:
            raise NotFound(str(staff_id))
        return row

    async def _revoke_tokens(self, uow: UnitOfWork, actor: StaffMember, staff_id: int, *, via: str) -> None:
        """Revoke the member's API tokens for good: a token is a standing secret in some script, so granting
        ``admin`` again (or re-activating) must not bring it back; the admin issues a new one if still needed."""
        now = self._clock.now()
        for token_id, name in await uow.admin.revoke_api_tokens_of(staff_id, now):
            await uow.audit.record(
                at=now,
                actor_staff_id=actor.id or None,
                action="admin.token_revoke",
                target_type="api_token",
                target_id=token_id,
                details={"name": name, "via": via},
            )

    async def _audit(
        self,
        uow: UnitOfWork,
        actor: StaffMember,
        staff_id: int,
        *,
        action: str,
        details: dict[str, object],
        at: datetime | None = None,
    ) -> None:
        """An audit entry about the member, by ``actor``, at ``at`` (default: now)."""
        await uow.audit.record(
            at=at or self._clock.now(),
            actor_staff_id=actor.id or None,
            action=action,
            target_type="staff",
            target_id=staff_id,
            details=details,
        )

    async def _check_scope_ids(self, uow: UnitOfWork, request: GrantRequest) -> None:
        if request.department_id is not None:
            known = {d.id for d in await uow.staff_admin.list_departments()}
            if request.department_id not in known:
                raise InvalidInput("grant_department_unknown", str(request.department_id))
        if request.dong_ids:
            known = {d.id for d in await uow.staff_admin.list_admin_dongs()}
            if not request.dong_ids <= known:
                raise InvalidInput("grant_dong_unknown", str(sorted(request.dong_ids - known)))

    async def _detail(self, uow: UnitOfWork, staff_id: int) -> StaffDetail:
        row = await self._row(uow, staff_id)
        grants = await uow.grants.list_grants(staff_id)
        departments = {d.id: d.name for d in await uow.staff_admin.list_departments()} if grants else {}
        dongs = await uow.staff_admin.list_admin_dongs() if any(g.scope.admin_dong_ids for g in grants) else []
        return StaffDetail(
            id=row.id,
            saeol_id=row.saeol_id,
            name=row.name,
            department_id=row.department_id,
            department=row.department,
            active=row.active,
            telegram_bound=row.telegram_user_id is not None,
            language=row.language,
            created_at=self._clock.local(row.created_at),
            version=row.version,
            grants=tuple(self._grant_view(g, departments, dongs) for g in grants),
        )

    def _grant_view(self, grant: GrantRecord, departments: dict[int, str], dongs: list[NamedRow]) -> GrantView:
        scope = grant.scope
        in_order = [d for d in dongs if d.id in scope.admin_dong_ids]
        return GrantView(
            permission=grant.permission,
            department_id=scope.department_id,
            department=departments.get(scope.department_id) if scope.department_id is not None else None,
            dong_ids=tuple(d.id for d in in_order),
            dongs=tuple(d.name for d in in_order),
            granted_at=self._clock.local(grant.granted_at),
        )
