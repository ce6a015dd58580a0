"""공동주택 대장 관리: the housing department keeps a complex's ledger current — its facts, its management
office and manager, its residents' representatives, groups and support projects.

Every change is made by a member holding ``housing.write`` for the complex's dong (reading the ledger to
change it needs the same), is checked by the rules of ``core.housing.validation`` on the record as it would
stand, and is audited as ``housing.<record>.<add|edit|remove>`` with old → new values. A change names the
version of the record it was made on; if someone else saved the record in between, it is refused with
``ChangedMeanwhile``, which says who and carries the record as it now stands, so the member can apply the
same change again on top of it. Some rules only warn (the area bands not adding up to the households, a
project above a 지원기준 that warns rather than refuses): the change is refused with ``NeedsConfirmation``
until the member confirms that warning. Naming a new 관리소장 keeps the previous one in the complex's
manager history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from core.clock import Clock
from core.errors import DongneError, InvalidInput, NotFound, StaleRecord
from core.housing.fields import FIELDS, LEDGER_RECORDS, Kind, is_personal, parse, spec
from core.housing.records import audit_change, audit_personal_view, covered_complex
from core.housing.validation import AREA_BANDS_WARNING, check_criterion, check_record
from core.housing.values import (
    BirthDate,
    FormerManager,
    FormerManagerView,
    LedgerComplex,
    LedgerRecord,
    LedgerWrite,
)
from core.masking import mask_email, mask_names, mask_phone
from core.permissions import Permission, can, covers_dong, dong_scope, require
from core.values import StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

# A new manager replaces the previous one's personal and licence details, not the office's phones.
MANAGER_FIELDS = (
    "manager_birth_date",
    "manager_mobile",
    "manager_license_no",
    "manager_license_grade",
    "manager_assigned_on",
)


class ChangedMeanwhile(StaleRecord):
    """Someone saved (or removed) the record after the member read it: ``current`` is the record as it now
    stands (None when it is gone), ``params["name"]`` who saved it."""

    def __init__(self, current: LedgerRecord | None) -> None:
        if current is None:
            super().__init__("removed meanwhile")
            self.code = "ledger_removed_meanwhile"
        else:
            super().__init__("changed meanwhile", name=current.updated_by or "")
            self.code = "ledger_changed_meanwhile" if current.updated_by else "ledger_changed_meanwhile_unknown"
        self.current = current


class NeedsConfirmation(DongneError):
    """A rule that only warns: the change is saved once the member confirms ``warning`` (a rule's name,
    passed back in ``confirmed``); the parameters say what the rule saw."""

    code = "ledger_confirm"

    def __init__(self, warning: str, **params: object) -> None:
        super().__init__(warning, **params)
        self.warning = warning


def json_value(value: object) -> object:
    """A field's value as the audit log and a saved draft keep it (JSON)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def from_json(record: str, name: str, value: object) -> object:
    """A field's value back from ``json_value``."""
    if value is None:
        return None
    kind = spec(record, name).kind
    if kind is Kind.DATE:
        return date.fromisoformat(str(value))
    if kind is Kind.BANDS:
        assert isinstance(value, list | tuple)
        return tuple(int(v) for v in value)
    if kind in (Kind.NUMBER, Kind.AMOUNT):
        return int(str(value))
    return value


def _records(record: str, *, listed: bool = False) -> None:
    if record not in LEDGER_RECORDS or (listed and record == "complex"):
        raise InvalidInput("ledger_unknown_record", record=record)


class HousingLedger:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # -- reading ------------------------------------------------------------------------------------

    async def open(self, actor: StaffMember, complex_id: int) -> LedgerComplex:
        """The complex's ledger as its writer picks what to change: every record with its version, personal
        fields masked (a list names its records by position, name and kind; ``record`` shows one whole)."""
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow() as uow:
            dong_id = (await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)).admin_dong_id
            found = await uow.ledger.load(complex_id)
            if found is None:
                raise NotFound(f"complex {complex_id}")
        shown = {record: [_masked(r) for r in rows] for record, rows in found.items()}
        return LedgerComplex(
            complex=shown["complex"][0],
            admin_dong_id=dong_id,
            office=shown["office"][0] if shown["office"] else None,
            representatives=tuple(shown["representative"]),
            groups=tuple(shown["group"]),
            projects=tuple(shown["project"]),
        )

    async def record(self, actor: StaffMember, complex_id: int, record: str, record_id: int) -> LedgerRecord:
        """One record whole, as it stands: personal fields masked without ``pii.view`` for the complex's
        dong, and an unmasked view of them audited. ``ChangedMeanwhile`` (with nothing current) when the
        record is gone."""
        _records(record)
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow(write=can(actor, Permission.PII_VIEW)) as uow:
            dong_id = (await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)).admin_dong_id
            item = await uow.ledger.get(record, complex_id, record_id)
            if item is None:
                raise ChangedMeanwhile(None)
            return await self._shown(uow, actor, dong_id, item)

    async def _shown(self, uow: UnitOfWork, actor: StaffMember, dong_id: int, item: LedgerRecord) -> LedgerRecord:
        """``item`` as ``actor`` may see it; an unmasked view of personal data is audited (and committed:
        the caller may be about to refuse the change it came for)."""
        if not covers_dong(actor, Permission.PII_VIEW, dong_id):
            return _masked(item)
        if _has_personal(item):
            await audit_personal_view(
                uow, self._clock, actor, item.complex_id, "housing_ledger", record=item.record, record_id=item.id
            )
            await uow.commit()
        return item

    async def _changed_meanwhile(
        self, uow: UnitOfWork, actor: StaffMember, dong_id: int, record: str, complex_id: int, record_id: int
    ) -> ChangedMeanwhile:
        """The refusal of a change made on an old version, with the record as it now stands."""
        current = await uow.ledger.get(record, complex_id, record_id)
        return ChangedMeanwhile(await self._shown(uow, actor, dong_id, current) if current else None)

    async def choices(self, actor: StaffMember, complex_id: int, record: str, name: str) -> tuple[str, ...]:
        """What a picked field may be: its codes, the admin's 직위 or 지원기준 names, or the dongs the member
        may write in."""
        require(actor, Permission.HOUSING_WRITE)
        field = spec(record, name)
        if field.kind is Kind.CHOICE:
            return field.choices
        async with self._uow() as uow:
            await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)
            if field.kind is Kind.POSITION:
                return tuple(p.name for p in await uow.reference.list_entries("position"))
            if field.kind is Kind.CRITERION:
                return tuple(c.name for c in await uow.reference.list_entries("support_criterion"))
            if field.kind is Kind.DONG:
                covered = dong_scope(actor, Permission.HOUSING_WRITE)
                dongs = await uow.housing.list_admin_dongs_with_counts(covered)
                return tuple(d.name for d in dongs)
        return ()

    async def former_managers(self, actor: StaffMember, complex_id: int) -> list[FormerManagerView]:
        """관리소장 이력, the latest replaced first; masked without ``pii.view`` for the complex's dong."""
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow() as uow:
            dong_id = (await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)).admin_dong_id
            former = await uow.ledger.former_managers(complex_id)
        masked = not covers_dong(actor, Permission.PII_VIEW, dong_id)
        return [
            FormerManagerView(
                name=f.name,
                birth=BirthDate.of(f.birth_date, masked=masked),
                mobile=mask_phone(f.mobile) if masked else f.mobile,
                license_no=f.license_no,
                license_grade=f.license_grade,
                assigned_on=f.assigned_on,
                replaced_on=f.replaced_on,
            )
            for f in former
        ]

    # -- writing ------------------------------------------------------------------------------------

    async def add(
        self,
        actor: StaffMember,
        complex_id: int,
        record: str,
        values: Mapping[str, object],
        *,
        confirmed: Iterable[str] = (),
    ) -> LedgerRecord:
        """A new representative, group, project, or the complex's management office (one per complex)."""
        _records(record, listed=True)
        require(actor, Permission.HOUSING_WRITE)
        whole = {f.name: values.get(f.name) for f in FIELDS[record]}
        async with self._uow(write=True) as uow:
            await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)
            if record == "office" and (await uow.ledger.load(complex_id) or {}).get("office"):
                raise InvalidInput("ledger_office_exists")
            await self._check(uow, actor, record, whole, set(whole), frozenset(confirmed))
            now = self._clock.now()
            written = {k: v for k, v in whole.items() if v is not None}
            new_id = await uow.ledger.add(complex_id, LedgerWrite(record=record, values=written, at=now, by=actor.id))
            changes = {k: [None, json_value(v)] for k, v in written.items()}
            await audit_change(uow, self._clock, actor, f"housing.{record}.add", complex_id, new_id, changes)
            await uow.commit()
            saved = await uow.ledger.get(record, complex_id, new_id)
        assert saved is not None
        return saved

    async def edit(
        self,
        actor: StaffMember,
        complex_id: int,
        record: str,
        record_id: int,
        version: int,
        changes: Mapping[str, object],
        *,
        confirmed: Iterable[str] = (),
    ) -> LedgerRecord:
        """Change some fields of a record read at ``version``; ``ChangedMeanwhile`` if it has moved on."""
        _records(record)
        require(actor, Permission.HOUSING_WRITE)
        for name in changes:
            spec(record, name)
        async with self._uow(write=True) as uow:
            dong_id = (await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)).admin_dong_id
            current = await uow.ledger.get(record, complex_id, record_id)
            if current is None:
                raise ChangedMeanwhile(None)
            if current.version != version:
                raise await self._changed_meanwhile(uow, actor, dong_id, record, complex_id, record_id)
            wanted = dict(changes)
            if record == "complex" and wanted.get("kind") == "row_house":
                wanted.setdefault("management_type", None)  # the law's management types are for apartments
            former = former_manager(record, current, wanted, self._clock.today(), actor.id)
            whole = {**current.values, **wanted}
            names = {k for k, v in wanted.items() if current.values.get(k) != v}
            if not names:
                return current
            await self._check(uow, actor, record, whole, names, frozenset(confirmed))
            changed = {k: whole[k] for k in names if current.values.get(k) != whole[k]}
            if not changed:
                return current
            code = changed.get("kapt_code") if record == "complex" else None
            if code is not None and await uow.ledger.kapt_code_taken(str(code), complex_id):
                raise InvalidInput("ledger_kapt_code_taken", value=code)
            now = self._clock.now()
            write = LedgerWrite(record=record, values=changed, at=now, by=actor.id)
            if not await uow.ledger.change(complex_id, record_id, version, write):
                raise await self._changed_meanwhile(uow, actor, dong_id, record, complex_id, record_id)
            audit = {k: [json_value(current.values.get(k)), json_value(v)] for k, v in changed.items()}
            extra: dict[str, object] = {}
            if former is not None:
                extra["manager_history_id"] = await uow.ledger.keep_former_manager(complex_id, former)
            await audit_change(uow, self._clock, actor, f"housing.{record}.edit", complex_id, record_id, audit, **extra)
            await uow.commit()
            saved = await uow.ledger.get(record, complex_id, record_id)
        assert saved is not None
        return saved

    async def remove(self, actor: StaffMember, complex_id: int, record: str, record_id: int, version: int) -> None:
        _records(record, listed=True)
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow(write=True) as uow:
            dong_id = (await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)).admin_dong_id
            current = await uow.ledger.get(record, complex_id, record_id)
            if current is None:
                raise ChangedMeanwhile(None)
            if current.version != version or not await uow.ledger.remove(record, complex_id, record_id, version):
                raise await self._changed_meanwhile(uow, actor, dong_id, record, complex_id, record_id)
            changes = {k: [json_value(v), None] for k, v in current.values.items() if v is not None}
            await audit_change(uow, self._clock, actor, f"housing.{record}.remove", complex_id, record_id, changes)
            await uow.commit()

    # -- rules --------------------------------------------------------------------------------------

    async def _check(
        self,
        uow: UnitOfWork,
        actor: StaffMember,
        record: str,
        whole: dict[str, object],
        changed: set[str],
        confirmed: frozenset[str],
    ) -> None:
        """The record as it would stand, by field (required, each value's own form) and then as a whole."""
        for field in FIELDS[record]:
            value = whole.get(field.name)
            if value is None or value == "":
                if field.required:
                    raise InvalidInput("ledger_required", field=field.name)
                whole[field.name] = None
                continue
            if field.name not in changed:
                continue
            if field.kind in (Kind.TEXT, Kind.BLOCK, Kind.EMAIL, Kind.CHOICE, Kind.PHONE):
                whole[field.name] = parse(record, field.name, str(value))
            elif field.kind is Kind.POSITION and await uow.ledger.position_id(str(value)) is None:
                raise InvalidInput("ledger_unknown_position", value=value)
            elif field.kind is Kind.DONG:
                dong = await uow.ledger.dong_id(str(value))
                if dong is None or not covers_dong(actor, Permission.HOUSING_WRITE, dong):
                    raise InvalidInput("ledger_unknown_dong", value=value)
        try:
            check_record(record, whole)
        except InvalidInput as error:
            if error.code != AREA_BANDS_WARNING:
                raise
            if AREA_BANDS_WARNING not in confirmed:
                raise NeedsConfirmation(AREA_BANDS_WARNING, **error.params) from None
        if record == "project":
            whole["returned_amount"] = whole.get("returned_amount") or 0
            if {"kind", "amount"} & changed:
                kind, amount = str(whole["kind"]), int(str(whole["amount"]))
                warning = check_criterion(kind, amount, await uow.ledger.criterion_limit(kind))
                if warning is not None and warning.code not in confirmed:
                    raise NeedsConfirmation(warning.code, **warning.params)


def former_manager(
    record: str, current: LedgerRecord, wanted: dict[str, object], today: date, by: int | None
) -> FormerManager | None:
    """A new manager's name replaces the manager: the previous one goes to the history, and the details
    that were theirs are cleared unless the change gives the new manager's."""
    if record != "office":
        return None
    old, new = current.values.get("manager_name"), wanted.get("manager_name", current.values.get("manager_name"))
    if not old or new == old:
        return None
    for name in MANAGER_FIELDS:
        wanted.setdefault(name, None)
    v = current.values
    return FormerManager(
        name=str(old),
        birth_date=v.get("manager_birth_date"),  # type: ignore[arg-type]
        mobile=v.get("manager_mobile"),  # type: ignore[arg-type]
        license_no=v.get("manager_license_no"),  # type: ignore[arg-type]
        license_grade=v.get("manager_license_grade"),  # type: ignore[arg-type]
        assigned_on=v.get("manager_assigned_on"),  # type: ignore[arg-type]
        replaced_on=today,
        replaced_by=by,
    )


def _has_personal(record: LedgerRecord) -> bool:
    return any(record.values.get(name) for name in record.values if is_personal(record.record, name))


def _masked(record: LedgerRecord) -> LedgerRecord:
    values = dict(record.values)
    for name, value in values.items():
        if value is None or not is_personal(record.record, name):
            continue
        kind = spec(record.record, name).kind
        if kind is Kind.PHONE:
            values[name] = mask_phone(str(value))
        elif kind is Kind.EMAIL:
            values[name] = mask_email(str(value))
        elif kind is Kind.BLOCK:  # a list of names
            values[name] = mask_names(str(value))
        elif isinstance(value, date):
            values[name] = value.year
    return replace(record, values=values, masked=True)
