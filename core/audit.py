"""The audit log as admins read it: every sign-in (and failed one), grant, revoke, staff change, view of
unmasked personal data and change of a record, newest first, filtered by staff member, action and dates
in the office's time zone, a page at a time or as an Excel workbook.

``core`` cannot read the text catalogs, so every word a reader sees (action names, field names, column
headers) comes in through ``AuditLabels``, filled by the caller in the reader's language; a code without a
label is shown as the code rather than failing. ``describe_*`` turn an entry's details into readable lines,
the same on the page and in the workbook: ``changes`` (field -> [old, new]), ``<x>_from``/``<x>_to`` pairs
and ``old``/``new`` mappings become "field: old → new"; anything else "field: value"."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from core.clock import Clock
from core.errors import InvalidInput
from core.permissions import Permission, require
from core.values import AuditQuery, AuditRecord, AuditStaff, Page, StaffMember
from core.workbook import Column, ExportBook, Kind
from storage.uow import UnitOfWorkFactory

PAGE_SIZE = 50
# Rows per database batch of an export: small enough that a batch's query and its rows stay cheap, large
# enough that the round trips do not dominate.
EXPORT_BATCH = 2000
# Rows written per hop to the worker thread. openpyxl's many small file writes release and retake the GIL so
# often that the event loop hardly gets it back while a hop lasts (measured: 100–180 ms stalls for 2,000 rows).
# Every cell is styled (the one table style: framed, dates formatted), which costs about 40% more than plain
# values; 150 rows last about 15 ms, so the bot's updates wait no longer than that.
WRITE_SLICE = 150
# An export holds its rows only as the workbook is written, but writing 100,000 rows takes a few seconds of
# a worker thread; a larger log is exported a period at a time. (Excel's own limit is 1,048,576 rows.)
EXPORT_LIMIT = 100_000
# A page shows each value's beginning; the workbook has it whole.
PAGE_VALUE_LIMIT = 300
ACTION_PATTERN = re.compile(r"[a-z0-9_.]{1,50}")
# Marks an entry whose contact values the retention run removed (core.retention), so a history says why
# they are missing.
CONTACTS_REMOVED = "contacts_removed"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999  # a date outside is a typing mistake (and 9999-12-31 + 1 day fails)

# Detail keys that name a reference entry by id, and which list: shown by name (or "#id" once deleted).
ID_FIELDS = {
    "department_id": "department",
    "dong_ids": "admin_dong",
    "admin_dong_ids": "admin_dong",
    "admin_dong_id": "admin_dong",
    "position_id": "position",
}


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries to show; dates are days in the office's time zone, both inclusive."""

    staff_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(
        cls,
        *,
        staff: str | None = None,
        action: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> AuditFilter:
        """A filter from what a form or a link sent; empty means "any". Malformed values and dates the
        wrong way round are refused with ``InvalidInput`` naming the problem."""
        staff_id = None
        if staff and staff.strip():
            text = staff.strip()
            if not text.isascii() or not text.isdigit() or len(text) > 9:
                raise InvalidInput("audit_staff", value=text[:20])
            staff_id = int(text)
        chosen = (action or "").strip() or None
        if chosen is not None and not ACTION_PATTERN.fullmatch(chosen):
            raise InvalidInput("audit_action", value=chosen[:50])
        start, end = _parse_date(date_from), _parse_date(date_to)
        if start is not None and end is not None and end < start:
            raise InvalidInput("audit_dates_reversed", date_from=start.isoformat(), date_to=end.isoformat())
        return cls(staff_id=staff_id, action=chosen, date_from=start, date_to=end)

    @property
    def empty(self) -> bool:
        return self == AuditFilter()


def _parse_date(raw: str | None) -> date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        # What a date field sends (2026-11-25); the office also types 2026.11.25 or 2026/11/25.
        parsed = date.fromisoformat(re.sub(r"[./]", "-", text)) if len(text) <= 10 else None
    except ValueError:
        parsed = None
    if parsed is None or not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise InvalidInput("audit_date", value=text[:20])
    return parsed


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """The filter's choices: the staff members, and the actions the log holds."""

    staff: tuple[AuditStaff, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class AuditLabels:
    """Every word of the page's entries and of the workbook, in the reader's language."""

    sheet: str  # 감사 기록
    conditions_sheet: str  # 조회 조건
    headers: tuple[str, str, str, str, str, str, str]  # 일시, 직원, 새올 아이디, 작업, 대상, 내용, 작업 코드
    condition_names: tuple[str, str, str, str, str]  # 직원, 작업, 기간, 건수, 작성 일시
    any: str  # 전체
    system: str  # 시스템 (no staff member behind the entry)
    unknown_user: str  # "알 수 없는 사용자 {username}"
    empty: str  # —
    yes: str
    no: str
    actions: Mapping[str, str]  # action code -> label
    action_groups: Mapping[str, str]  # "staff" -> 직원 관리: for an action without a label of its own
    targets: Mapping[str, str]  # target type -> 직원, 단지, …
    fields: Mapping[str, str]  # detail key -> label
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # detail key -> code -> label

    def action(self, code: str) -> str:
        if code in self.actions:
            return self.actions[code]
        group = self.action_groups.get(code.split(".")[0])
        return f"{group} ({code})" if group else code

    def field_name(self, key: str) -> str:
        return self.fields.get(key, key)


def actor_text(line: AuditRecord, labels: AuditLabels) -> str:
    if line.actor_name is not None:
        return line.actor_name
    username = line.details.get("username")
    if isinstance(username, str) and username:
        return labels.unknown_user.format(username=username)
    return labels.system


def target_text(line: AuditRecord, labels: AuditLabels) -> str:
    """What the entry is about: "직원 홍길동", "직위 회장", "벤치마킹 사업 2026-4-001"; empty if nothing."""
    if line.target_type is None:
        return ""
    kind = labels.targets.get(line.target_type, line.target_type)
    name = line.target_name
    if name is None and isinstance(line.details.get("name"), str):
        name = str(line.details["name"])
    if name is None:
        return f"{kind} #{line.target_id}" if line.target_id is not None else kind
    return f"{kind} {name}"


def describe_details(line: AuditRecord, labels: AuditLabels, *, limit: int | None = PAGE_VALUE_LIMIT) -> list[str]:
    """The entry's details as readable lines; long values cut at ``limit`` characters (None: whole)."""
    details = dict(line.details)
    if line.target_name is None and line.target_type is not None:
        details.pop("name", None)  # already said by target_text
    if line.actor_name is None:
        details.pop("username", None)  # already said by actor_text
    lines: list[str] = []

    def value(key: str, raw: object) -> str:
        return _value_text(key, raw, labels, limit)

    def pair(key: str, old: object, new: object) -> None:
        if _blank(old) and _blank(new):
            return  # nothing before, nothing after: nothing to say (e.g. an unscoped grant's scope)
        if old == new:
            lines.append(f"{labels.field_name(key)}: {value(key, new)}")
        else:
            lines.append(f"{labels.field_name(key)}: {value(key, old)} → {value(key, new)}")

    for key in [k for k in details if k.endswith("_from")]:
        stem = key[: -len("_from")]
        if f"{stem}_to" in details:
            pair(stem, details.pop(key), details.pop(f"{stem}_to"))
    changes = details.pop("changes", None)
    if isinstance(changes, Mapping):
        for key, change in changes.items():
            if isinstance(change, list | tuple) and len(change) == 2:
                pair(str(key), change[0], change[1])
            else:
                lines.append(f"{labels.field_name(str(key))}: {value(str(key), change)}")
    old, new = details.pop("old", None), details.pop("new", None)
    if isinstance(old, Mapping) or isinstance(new, Mapping):
        before = old if isinstance(old, Mapping) else {}
        after = new if isinstance(new, Mapping) else {}
        for key in dict.fromkeys([*before, *after]):
            pair(str(key), before.get(key), after.get(key))
    elif old is not None or new is not None:
        pair("value", old, new)
    for key, raw in details.items():
        lines.append(f"{labels.field_name(key)}: {value(key, raw)}")
    return lines


def _blank(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _value_text(key: str, raw: object, labels: AuditLabels, limit: int | None) -> str:
    if _blank(raw):
        text = labels.empty
    elif isinstance(raw, bool):
        text = labels.yes if raw else labels.no
    elif isinstance(raw, list | tuple):
        text = ", ".join(_value_text(key, item, labels, None) for item in raw)
    elif isinstance(raw, Mapping):
        text = ", ".join(f"{labels.field_name(str(k))} {_value_text(str(k), v, labels, None)}" for k, v in raw.items())
    else:
        text = str(raw)
        text = labels.values.get(key, {}).get(text, text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


class AuditLog:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def options(self, actor: StaffMember) -> AuditOptions:
        require(actor, Permission.ADMIN)
        async with self._uow() as uow:
            staff = await uow.audit.list_staff()
            actions = await uow.audit.list_actions()
        return AuditOptions(staff=tuple(staff), actions=tuple(actions))

    async def page(self, actor: StaffMember, wanted: AuditFilter, number: int = 0) -> Page[AuditRecord]:
        """One page of entries, newest first; a page past the end shows the last one."""
        require(actor, Permission.ADMIN)
        query = self._query(wanted)
        async with self._uow() as uow:
            total = await uow.audit.count_entries(query)
            last = max(0, -(-total // PAGE_SIZE) - 1)
            number = min(max(0, number), last)
            records = await uow.audit.list_entries(query, offset=number * PAGE_SIZE, limit=PAGE_SIZE)
            names = await uow.audit.reference_names() if records else {}
        return Page(items=tuple(self._line(r, names) for r in records), number=number, size=PAGE_SIZE, total=total)

    async def export(
        self,
        actor: StaffMember,
        wanted: AuditFilter,
        labels: AuditLabels,
        describe: Callable[[AuditRecord], str] | None = None,
    ) -> bytes:
        """The entries the filter selects as an Excel workbook (.xlsx), newest first, with a second sheet
        saying which filter made it. Written in write-only mode a batch at a time in a worker thread, so a
        large log neither fills memory nor holds up the bot's event loop. The export itself is audited.
        ``describe`` says an entry's details in words (the admin pages pass the sentence their list shows, so
        the page and the file read alike); without it each detail is a "label: value" line."""
        require(actor, Permission.ADMIN)
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            newest = await uow.audit.newest_id()
            query = self._query(wanted, up_to_id=newest)
            total = await uow.audit.count_entries(query)
            if total > EXPORT_LIMIT:
                raise InvalidInput("audit_export_too_large", limit=EXPORT_LIMIT, count=total)
            staff = await uow.staff.get_staff(wanted.staff_id) if wanted.staff_id is not None else None
            names = await uow.audit.reference_names()
            await uow.audit.record(
                at=now,
                actor_staff_id=actor.id or None,
                action="audit.export",
                details={
                    "staff": staff.name if staff else wanted.staff_id,
                    "action": wanted.action,
                    "date_from": wanted.date_from.isoformat() if wanted.date_from else None,
                    "date_to": wanted.date_to.isoformat() if wanted.date_to else None,
                    "count": total,
                },
            )
            await uow.commit()
        staff_text = (
            f"{staff.name} ({staff.saeol_id})" if staff else (str(wanted.staff_id) if wanted.staff_id else None)
        )
        conditions = (
            staff_text or labels.any,
            labels.action(wanted.action) if wanted.action else labels.any,
            _period_text(wanted, labels),
            total,
        )
        book = AuditWorkbook(labels, conditions, self._clock.local(now), describe)
        after: tuple[datetime, int] | None = None
        while True:
            async with self._uow() as uow:
                batch = await uow.audit.list_entries_below(query, after, limit=EXPORT_BATCH)
            if not batch:
                break
            lines = [self._line(r, names) for r in batch]
            for start in range(0, len(lines), WRITE_SLICE):
                await asyncio.to_thread(book.append, lines[start : start + WRITE_SLICE])
            after = (batch[-1].at, batch[-1].id)
            if len(batch) < EXPORT_BATCH:
                break
        return await asyncio.to_thread(book.save)

    def _query(self, wanted: AuditFilter, *, up_to_id: int | None = None) -> AuditQuery:
        return AuditQuery(
            staff_id=wanted.staff_id,
            action=wanted.action,
            since=self._start_of(wanted.date_from) if wanted.date_from else None,
            until=self._start_of(wanted.date_to + timedelta(days=1)) if wanted.date_to else None,
            up_to_id=up_to_id,
        )

    def _start_of(self, day: date) -> datetime:
        """Midnight of ``day`` in the office's zone, as the UTC instant entries are stored in."""
        return datetime.combine(day, time(0), tzinfo=self._clock.zone).astimezone(UTC)

    def _line(self, record: AuditRecord, names: Mapping[str, Mapping[int, str]]) -> AuditRecord:
        return as_read(record, names, self._clock)


def as_read(record: AuditRecord, names: Mapping[str, Mapping[int, str]], clock: Clock) -> AuditRecord:
    """The entry as an admin reads it: in the office's time zone, reference entries by name."""
    return replace(record, at=clock.local(record.at), details=_named(record.details, names))


def _named(details: Mapping[str, object], names: Mapping[str, Mapping[int, str]]) -> dict[str, object]:
    """The details with ids of departments, dongs and positions replaced by their names, at any depth."""

    def name(kind: str, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return names.get(kind, {}).get(value, f"#{value}")
        if isinstance(value, list | tuple):
            return [name(kind, item) for item in value]
        return value

    def walk(value: object) -> object:
        if isinstance(value, Mapping):
            return {str(k): name(ID_FIELDS[k], v) if k in ID_FIELDS else walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(item) for item in value]
        return value

    named = walk(details)
    assert isinstance(named, dict)
    return named


def _period_text(wanted: AuditFilter, labels: AuditLabels) -> str:
    if wanted.date_from is None and wanted.date_to is None:
        return labels.any
    start = wanted.date_from.isoformat() if wanted.date_from else ""
    end = wanted.date_to.isoformat() if wanted.date_to else ""
    return f"{start} ~ {end}"


# -- the workbook -----------------------------------------------------------------------------------------

# Widths are given, not fitted: the rows stream in after the header is written. The details wrap.
_KINDS_AND_WIDTHS = (
    (Kind.DATETIME, 18),
    (Kind.TEXT, 16),
    (Kind.TEXT, 14),
    (Kind.TEXT, 24),
    (Kind.TEXT, 28),
    (Kind.WRAP, 70),
    (Kind.TEXT, 22),
)


class AuditWorkbook:
    """A workbook filled a batch at a time (one thread at a time, in order): the entries, then a sheet with
    the conditions that selected them (staff member, action, period, count and when it was made)."""

    def __init__(
        self,
        labels: AuditLabels,
        conditions: tuple[str, str, str, int],
        created: datetime,
        describe: Callable[[AuditRecord], str] | None,
    ) -> None:
        self._labels = labels
        self._describe = describe or (lambda line: "\n".join(describe_details(line, labels, limit=None)))
        staff, action, period, count = labels.condition_names[:4]
        created_name = labels.condition_names[4]
        self._book = ExportBook(title=labels.sheet, created=created, created_label=f"{created_name}: {{at}}")
        caption = " · ".join(
            f"{name} {value:,}" if isinstance(value, int) else f"{name} {value}"
            for name, value in zip((staff, action, period, count), conditions, strict=True)
        )
        columns = [
            Column(header, kind, width=width)
            for header, (kind, width) in zip(labels.headers, _KINDS_AND_WIDTHS, strict=True)
        ]
        self._table = self._book.table(labels.sheet, columns, caption=caption, frozen_columns=1, fit=False)
        self._book.table(
            labels.conditions_sheet,
            [
                Column(staff),
                Column(action),
                Column(period),
                Column(count, Kind.COUNT),
                Column(created_name, Kind.DATETIME),
            ],
            [(*conditions, created)],
            heading=f"{labels.sheet} · {labels.conditions_sheet}",
        )

    def append(self, lines: Sequence[AuditRecord]) -> None:
        labels = self._labels
        for line in lines:
            self._table.append(
                (
                    line.at,
                    actor_text(line, labels),
                    line.actor_saeol_id or "",
                    labels.action(line.action),
                    target_text(line, labels),
                    self._describe(line),
                    line.action,
                )
            )

    def save(self) -> bytes:
        return self._book.save()
