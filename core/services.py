"""The services every entry point shares (bot, admin endpoint, CLI), built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.clock import Clock
from core.housing import HousingLookup
from core.staff import StaffDirectory
from storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class Services:
    clock: Clock
    housing: HousingLookup
    staff: StaffDirectory

    @classmethod
    def build(cls, uow: UnitOfWorkFactory, clock: Clock, *, link_code_ttl: timedelta) -> Services:
        return cls(
            clock=clock,
            housing=HousingLookup(uow, clock),
            staff=StaffDirectory(uow, clock, link_code_ttl=link_code_ttl),
        )
