"""공동주택 조회: finding a complex and reading its one-screen card.

A ``housing.read`` grant scoped to dongs shows only those dongs: search results, the dong list and its
counts, a dong's complexes and cards. Another dong's list or card is refused with ``PermissionDenied``
rather than ``NotFound``: the dongs and complexes are the district's public registry, so pretending they do
not exist hides nothing, and the refusal tells the officer to ask 전산정보과 for a wider grant instead of
suggesting the record was deleted. Unmasked personal data also needs ``pii.view`` covering the complex's
dong; otherwise the card is masked, as for anyone without ``pii.view``."""

from __future__ import annotations

from core.clock import Clock
from core.errors import NotFound, PermissionDenied
from core.housing.records import audit_personal_view, covered_complex
from core.housing.values import (
    BirthDate,
    ComplexCard,
    ComplexSections,
    ComplexSummary,
    GroupView,
    ManagerView,
    RepresentativeView,
)
from core.masking import mask_email, mask_names, mask_phone
from core.permissions import Permission, can, covers_dong, dong_scope, require
from core.text_input import clean_query
from core.values import AdminDong, Page, StaffMember
from storage.uow import UnitOfWorkFactory

PAGE_SIZE = 8  # inline buttons that fit a phone screen without scrolling


async def find_complexes(
    uow_factory: UnitOfWorkFactory, text: str, page: int, admin_dong_ids: frozenset[int] | None
) -> Page[ComplexSummary]:
    """A page of complexes by part of their name, within ``admin_dong_ids`` (None: every dong). The registry's
    search and the SMS recipient picker both find complexes this way; each checks its own grant first."""
    query = clean_query(text)
    page = max(0, page)
    async with uow_factory(snapshot=False) as uow:  # one statement (two for a page past the end)
        items, total = await uow.housing.find_complexes_by_name(
            query, offset=page * PAGE_SIZE, limit=PAGE_SIZE, admin_dong_ids=admin_dong_ids
        )
    return Page(items=tuple(items), number=page, size=PAGE_SIZE, total=total)


class HousingLookup:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def search_complexes(self, actor: StaffMember, text: str, page: int = 0) -> Page[ComplexSummary]:
        require(actor, Permission.HOUSING_READ)
        return await find_complexes(self._uow, text, page, dong_scope(actor, Permission.HOUSING_READ))

    async def list_admin_dongs(self, actor: StaffMember) -> list[AdminDong]:
        """The dongs the reader covers (all, unless the grant is scoped), with their complex counts."""
        require(actor, Permission.HOUSING_READ)
        dongs = dong_scope(actor, Permission.HOUSING_READ)
        async with self._uow() as uow:
            return await uow.housing.list_admin_dongs_with_counts(dongs)

    async def list_complexes_in_dong(
        self, actor: StaffMember, admin_dong_id: int, page: int = 0
    ) -> tuple[AdminDong, Page[ComplexSummary]]:
        require(actor, Permission.HOUSING_READ)
        _require_dong(actor, admin_dong_id, f"admin dong {admin_dong_id}")
        page = max(0, page)
        async with self._uow() as uow:
            dong = await uow.housing.get_admin_dong(admin_dong_id)
            if dong is None:
                raise NotFound(f"admin dong {admin_dong_id}")
            items, total = await uow.housing.list_complexes_in_dong(
                admin_dong_id, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
        return dong, Page(items=tuple(items), number=page, size=PAGE_SIZE, total=total)

    async def get_complex_card(self, actor: StaffMember, complex_id: int) -> ComplexCard:
        require(actor, Permission.HOUSING_READ)
        if not can(actor, Permission.PII_VIEW):
            return await self._masked_card(actor, complex_id)
        # Whether the card is unmasked depends on the complex's dong when pii.view is scoped, known only after the
        # head, which also refuses before any personal data is read: two statements, in a unit of work ready to
        # write the audit entry.
        async with self._uow(write=True) as uow:
            detail = await covered_complex(uow, actor, complex_id, Permission.HOUSING_READ)
            sections = await uow.housing.load_complex_sections(complex_id, detail=detail)
            assert sections is not None
            unmasked = covers_dong(actor, Permission.PII_VIEW, detail.admin_dong_id)
            writable = covers_dong(actor, Permission.HOUSING_WRITE, detail.admin_dong_id)
            card = build_card(sections, masked=not unmasked, writable=writable)
            if unmasked and card_has_personal_data(card):
                await audit_personal_view(uow, self._clock, actor, complex_id, "complex_card")
                await uow.commit()
        return card

    async def _masked_card(self, actor: StaffMember, complex_id: int) -> ComplexCard:
        """The card of a reader without pii.view: one statement outside a transaction (a read unit) that reads the
        sections only of a complex in the reader's dongs. Finding none, the head alone says why: no such complex
        (NotFound), another dong (PermissionDenied), or a complex moved into the reader's dongs meanwhile, read
        in two statements."""
        async with self._uow(snapshot=False) as reads:
            sections = await reads.housing.load_complex_card(complex_id, dong_scope(actor, Permission.HOUSING_READ))
            if sections is None:
                detail = await covered_complex(reads, actor, complex_id, Permission.HOUSING_READ)
                sections = await reads.housing.load_complex_sections(complex_id, detail=detail)
        assert sections is not None
        writable = covers_dong(actor, Permission.HOUSING_WRITE, sections.detail.admin_dong_id)
        return build_card(sections, masked=True, writable=writable)


def _require_dong(actor: StaffMember, admin_dong_id: int, what: str) -> None:
    if not covers_dong(actor, Permission.HOUSING_READ, admin_dong_id):
        raise PermissionDenied(
            f"{actor.saeol_id} does not cover the dong of {what}", permission=Permission.HOUSING_READ.value
        )


def card_has_personal_data(card: ComplexCard) -> bool:
    office = card.office
    return bool(
        (office and (office.mobile or office.birth))
        or any(r.phone or r.birth for r in card.representatives)
        or any(g.leader_phone or g.leader_email or g.members for g in card.groups)
    )


def build_card(sections: ComplexSections, *, masked: bool, writable: bool) -> ComplexCard:
    """Apply the masking rule to every personal field of the card, once, here."""

    def phone(value: str | None) -> str | None:
        return mask_phone(value) if masked else value

    office = sections.office
    manager = (
        ManagerView(
            office_phone=office.phone,
            office_fax=office.fax,
            name=office.manager_name,
            birth=BirthDate.of(office.manager_birth_date, masked=masked),
            mobile=phone(office.manager_mobile),
            license_no=office.manager_license_no,
            license_grade=office.manager_license_grade,
            assigned_on=office.manager_assigned_on,
        )
        if office
        else None
    )
    representatives = tuple(
        RepresentativeView(
            position=r.position,
            name=r.name,
            gender=r.gender,
            birth=BirthDate.of(r.birth_date, masked=masked),
            building_unit=r.building_unit,
            phone=phone(r.phone),
            term_start=r.term_start,
            term_end=r.term_end,
        )
        for r in sections.representatives
    )
    groups = tuple(
        GroupView(
            kind=g.kind,
            name=g.name,
            leader_position=g.leader_position,
            leader_name=g.leader_name,
            leader_phone=phone(g.leader_phone),
            leader_email=mask_email(g.leader_email) if masked else g.leader_email,
            member_count=g.member_count,
            formed_on=g.formed_on,
            members=mask_names(g.members) if masked else g.members,
        )
        for g in sections.groups
    )
    return ComplexCard(
        detail=sections.detail,
        office=manager,
        representatives=representatives,
        groups=groups,
        projects=sections.projects,
        photo_count=sections.photo_count,
        personal_data_masked=masked,
        writable=writable,
        open_complaints=sections.open_complaints,
        community_grants=sections.community_grants,
    )
