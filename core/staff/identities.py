"""Who a Telegram account is, remembered between updates while nothing about staff has changed.

The access gate asks for every update. The database moves one counter (``staff_revision``, migration 0020) on
any change to staff, grants, scopes or departments, from whichever process; a lookup reads that counter, and
only when it moved since the remembered answers were read are they dropped and read again. So a deactivation
or a revoked grant applies on the very next update, as before, and the usual update costs one tiny select
(on SQLite without a unit of work, ``storage.staff.revision``)."""

from __future__ import annotations

from collections import OrderedDict

from core.values import StaffMember
from storage.uow import UnitOfWorkFactory

# Accounts remembered at once: a district office's staff and then some. A flood of strangers' accounts cannot
# grow the memory past this; the least recently seen are forgotten first.
REMEMBERED = 5_000


class Identities:
    def __init__(self, uow: UnitOfWorkFactory, *, remembered: int = REMEMBERED) -> None:
        self._uow = uow
        self._remembered = remembered
        self._revision: int | None = None
        self._known: OrderedDict[int, StaffMember | None] = OrderedDict()

    async def identify(self, telegram_user_id: int) -> StaffMember | None:
        """The staff member bound to this Telegram account, active or not; None if nobody is."""
        revision = await self._uow.staff_revision()
        if revision is None or revision != self._revision:
            self._known.clear()
            self._revision = revision
        elif telegram_user_id in self._known:
            self._known.move_to_end(telegram_user_id)
            return self._known[telegram_user_id]
        async with self._uow() as uow:
            found = await uow.staff.find_staff_by_telegram_id(telegram_user_id)
        # Read after the counter, the answer is at least as new as it. Another update may have seen a newer
        # counter meanwhile; an answer read under an older one is not kept.
        if revision is not None and revision == self._revision:
            self._known[telegram_user_id] = found
            if len(self._known) > self._remembered:
                self._known.popitem(last=False)
        return found
