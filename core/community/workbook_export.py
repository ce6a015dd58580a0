"""마을공동체's records as the office's workbook (``core.community.sheets``): the empty template, and every
organisation and grant project the reader may see, in the shape ``dongne import community`` reads back.

Personal cells (the representatives' mobiles, the organisations' emails) are masked where the reader's
``pii.view`` does not reach, as the chat masks them, and the import takes such a cell as the stored value it
hides. A workbook with anything personal unmasked is audited (``pii.view``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from core.clock import Clock
from core.community.fields import ORGANIZATION, PROJECT, organization_values, project_values
from core.community.grants import sees_mobile
from core.community.sheets import (
    CODED,
    COLUMNS,
    COMPLEX,
    COMPLEX_DONG,
    SHEETS,
    add_lists,
    columns_of,
    sheet_words,
    template_book,
)
from core.community.values import GrantProjectRecord, OrganizationRecord
from core.masking import mask_email, mask_phone
from core.permissions import Permission, covers_dong, dong_scope, require
from core.values import StaffMember
from core.workbook import CellValue, ExportBook, Row
from storage.uow import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class CommunityWorkbook:
    content: bytes
    rows: Mapping[str, int]  # record -> rows written
    masked: bool  # some personal data was masked for this reader


class CommunityBook:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def template(self, actor: StaffMember, lang: str) -> bytes:
        """The empty workbook to fill in: a sheet per record under its header, with drop-downs."""
        require(actor, Permission.COMMUNITY_READ)
        async with self._uow() as uow:
            dongs = list(await uow.community_import.dong_ids())
        words = sheet_words(lang)
        return template_book(words, dongs, self._book(words)).save()

    async def export(self, actor: StaffMember, lang: str, *, via: str) -> CommunityWorkbook:
        """The organisations of the reader's dongs and every grant project, masked where ``pii.view`` does not
        reach; audited when anything personal went out unmasked."""
        require(actor, Permission.COMMUNITY_READ)
        scope = dong_scope(actor, Permission.COMMUNITY_READ)
        words = sheet_words(lang)
        book = self._book(words)
        masked = unmasked = False
        async with self._uow(write=True) as uow:
            repo = uow.community_import
            dong_ids = await repo.dong_ids()
            dong_names = {dong_id: name for name, dong_id in dong_ids.items()}
            add_lists(book, words, list(dong_ids))
            organizations = [o for o in await repo.organizations() if scope is None or o.admin_dong_id in scope]
            projects = await repo.projects()
            sheets: dict[str, list[list[CellValue]]] = {ORGANIZATION: [], PROJECT: []}
            for organization in organizations:
                hide = not covers_dong(actor, Permission.PII_VIEW, organization.admin_dong_id)
                personal = bool(organization.organization.mobile or organization.organization.email)
                masked, unmasked = masked or (hide and personal), unmasked or (not hide and personal)
                sheets[ORGANIZATION].append(_organization_cells(organization, words.codes, hide=hide))
            for project in projects:
                hide = not sees_mobile(actor, project)
                personal = bool(project.project.mobile)
                masked, unmasked = masked or (hide and personal), unmasked or (not hide and personal)
                dong = dong_names.get(project.admin_dong_id) if project.admin_dong_id is not None else None
                sheets[PROJECT].append(_project_cells(project, dong, words.codes, hide=hide))
            for record in SHEETS:
                heading = f"{words.title} · {words.sheets[record]}"
                book.table(
                    words.sheets[record], columns_of(record, words), [Row(r) for r in sheets[record]], heading=heading
                )
            if unmasked:
                await uow.audit.record(
                    at=self._clock.now(),
                    actor_staff_id=actor.id or None,
                    action="pii.view",
                    target_type="community",
                    target_id=None,
                    details={"via": via, "rows": {r: len(rows) for r, rows in sheets.items()}},
                )
                await uow.commit()
        return CommunityWorkbook(book.save(), {r: len(rows) for r, rows in sheets.items()}, masked)

    def _book(self, words: Any) -> ExportBook:
        return ExportBook(title=words.title, created=self._clock.local(), created_label=words.generated_at)


def _cell(name: str, value: object, codes: Mapping[str, Mapping[str, str]], *, hide: bool) -> CellValue:
    if value is None:
        return None
    if name in CODED:
        return codes[name].get(str(value), str(value))
    if hide and name == "mobile":
        return mask_phone(str(value))
    if hide and name == "email":
        return mask_email(str(value))
    if isinstance(value, date | Decimal | int | str):
        return value
    return str(value)


def _organization_cells(
    item: OrganizationRecord, codes: Mapping[str, Mapping[str, str]], *, hide: bool
) -> list[CellValue]:
    values = organization_values(item.organization)
    return [_cell(c.key, values.get(c.key), codes, hide=hide) for c in COLUMNS[ORGANIZATION]]


def _project_cells(
    item: GrantProjectRecord, dong: str | None, codes: Mapping[str, Mapping[str, str]], *, hide: bool
) -> list[CellValue]:
    values: dict[str, Any] = project_values(item.project) | {COMPLEX: item.complex_name, COMPLEX_DONG: dong}
    return [_cell(c.key, values.get(c.key), codes, hide=hide) for c in COLUMNS[PROJECT]]
