"""Choosing community organisations' representatives to text (the report's 2-다): the dongs and the organisations
a sender reaches, within their ``sms.send`` grant and no further than their ``community.read`` grant
(``selection.community_sending_dongs``). The batch itself goes through ``SmsService`` like any other."""

from __future__ import annotations

from core.clock import Clock
from core.community.values import DongCount, OrganizationSummary
from core.permissions import Permission, require
from core.sms.selection import community_sending_dongs
from core.text_input import clean_query
from core.values import Page, StaffMember
from storage.uow import UnitOfWorkFactory

PAGE_SIZE = 10


class OrganizationRecipients:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def dongs(self, actor: StaffMember) -> list[DongCount]:
        """The dongs a sender may narrow organisations to, with how many organisations each has."""
        require(actor, Permission.SMS_SEND)
        async with self._uow() as uow:
            return await uow.community.list_dongs_with_counts(community_sending_dongs(actor))

    async def find(self, actor: StaffMember, text: str, page: int = 0) -> Page[OrganizationSummary]:
        """Organisations by part of their name, in the dongs the sender reaches."""
        require(actor, Permission.SMS_SEND)
        scope = community_sending_dongs(actor)
        page = max(0, page)
        async with self._uow() as uow:
            items, total = await uow.community.find_organizations_by_name(
                clean_query(text), offset=page * PAGE_SIZE, limit=PAGE_SIZE, admin_dong_ids=scope
            )
        return Page(items=tuple(items), number=page, size=PAGE_SIZE, total=total)
