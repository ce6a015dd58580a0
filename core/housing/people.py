"""입주자대표 찾기: a representative by part of their name, across every complex the reader may see.

The reader's ``housing.read`` dongs bound the search, as they bound the complex search. Each result names
the person's position, complex and dong, and their mobile: masked (010-****-5678) unless ``pii.view`` covers
the complex's dong; a page that shows any mobile unmasked is audited as a ``pii.view`` of each complex
whose representatives it shows so."""

from __future__ import annotations

from core.clock import Clock
from core.housing.records import audit_personal_view
from core.housing.values import RepresentativeHit, RepresentativeMatch
from core.masking import mask_phone
from core.permissions import Permission, can, covers_dong, dong_scope, require
from core.text_input import clean_query
from core.values import Page, StaffMember
from storage.uow import UnitOfWorkFactory

PAGE_SIZE = 8  # inline buttons that fit a phone screen without scrolling, as the complex search


def _hit(match: RepresentativeMatch, *, masked: bool) -> RepresentativeHit:
    return RepresentativeHit(
        id=match.id,
        complex_id=match.complex_id,
        complex_name=match.complex_name,
        admin_dong=match.admin_dong,
        position=match.position,
        name=match.name,
        phone=mask_phone(match.phone) if masked else match.phone,
        phone_masked=masked,
    )


class RepresentativeSearch:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def find_representatives(self, actor: StaffMember, text: str, page: int = 0) -> Page[RepresentativeHit]:
        require(actor, Permission.HOUSING_READ)
        query = clean_query(text)
        page = max(0, page)
        async with self._uow(write=can(actor, Permission.PII_VIEW)) as uow:
            matches, total = await uow.housing.find_representatives_by_name(
                query,
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
                admin_dong_ids=dong_scope(actor, Permission.HOUSING_READ),
            )
            hits = [_hit(m, masked=not covers_dong(actor, Permission.PII_VIEW, m.admin_dong_id)) for m in matches]
            unmasked = sorted({h.complex_id for h in hits if h.phone and not h.phone_masked})
            for complex_id in unmasked:
                await audit_personal_view(uow, self._clock, actor, complex_id, "representative_search")
            if unmasked:
                await uow.commit()
        return Page(items=tuple(hits), number=page, size=PAGE_SIZE, total=total)
