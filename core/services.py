"""The services every entry point shares (bot, admin endpoint, CLI), built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from core.audit import AuditLog
from core.benchmark.cases import CaseRegistry
from core.benchmark.decisions import CaseDecisions
from core.benchmark.statistics import BenchmarkStatistics
from core.clock import Clock
from core.community.grants import GrantProjects
from core.community.organizations import Organizations
from core.community.statistics import CommunityStatistics
from core.community.workbook_export import CommunityBook
from core.community.workbook_import import CommunityImport
from core.handover import Handover
from core.housing.complaints import ComplaintLedger
from core.housing.history import HousingHistory
from core.housing.ledger import HousingLedger
from core.housing.ledger_book import LedgerBook
from core.housing.ledger_import import LedgerImport
from core.housing.lookup import HousingLookup
from core.housing.nearby import HousingField
from core.housing.people import RepresentativeSearch
from core.housing.photos import HousingPhotos, PhotoStore
from core.housing.reminders import HousingReminders
from core.housing.statistics import HousingStatistics
from core.monitoring import Monitoring
from core.notifications.service import Notifications, OutboxSignal
from core.reference import ReferenceLists
from core.sms.community import OrganizationRecipients
from core.sms.lists import SavedLists
from core.sms.service import SmsService
from core.staff.access import AdminAccess
from core.staff.administration import StaffAdministration
from core.staff.directory import StaffDirectory
from storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class Services:
    clock: Clock
    housing: HousingLookup
    ledger: HousingLedger
    housing_history: HousingHistory
    housing_statistics: HousingStatistics
    ledger_book: LedgerBook
    organizations: Organizations
    grant_projects: GrantProjects
    community_statistics: CommunityStatistics
    community_import: CommunityImport
    community_book: CommunityBook
    ledger_import: LedgerImport
    complaints: ComplaintLedger
    housing_field: HousingField
    housing_reminders: HousingReminders
    photos: HousingPhotos
    representatives: RepresentativeSearch
    staff: StaffDirectory
    cases: CaseRegistry
    decisions: CaseDecisions
    statistics: BenchmarkStatistics
    notifications: Notifications
    admin_access: AdminAccess
    staff_admin: StaffAdministration
    handover: Handover
    reference: ReferenceLists
    audit_log: AuditLog
    sms: SmsService
    sms_lists: SavedLists
    sms_organizations: OrganizationRecipients
    monitoring: Monitoring

    @classmethod
    def build(
        cls,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        link_code_ttl: timedelta,
        photo_dir: Path,
        sms_sender_number: str = "",
        ums_configured: bool = False,
    ) -> Services:
        signal = OutboxSignal()
        staff_admin = StaffAdministration(uow, clock, link_code_ttl=link_code_ttl)
        return cls(
            clock=clock,
            housing=HousingLookup(uow, clock),
            ledger=HousingLedger(uow, clock),
            housing_history=HousingHistory(uow, clock),
            housing_statistics=HousingStatistics(uow, clock),
            ledger_book=LedgerBook(uow, clock),
            organizations=Organizations(uow, clock),
            grant_projects=GrantProjects(uow, clock),
            community_statistics=CommunityStatistics(uow, clock),
            community_import=CommunityImport(uow, clock),
            community_book=CommunityBook(uow, clock),
            ledger_import=LedgerImport(uow, clock),
            complaints=ComplaintLedger(uow, clock, signal),
            housing_field=HousingField(uow, clock),
            housing_reminders=HousingReminders(uow, clock, signal),
            photos=HousingPhotos(uow, clock, PhotoStore(photo_dir)),
            representatives=RepresentativeSearch(uow, clock),
            staff=StaffDirectory(uow, clock, link_code_ttl=link_code_ttl),
            cases=CaseRegistry(uow, clock, signal),
            decisions=CaseDecisions(uow, clock, signal),
            statistics=BenchmarkStatistics(uow, clock),
            notifications=Notifications(uow, clock, signal),
            admin_access=AdminAccess(uow, clock),
            staff_admin=staff_admin,
            handover=Handover(uow, clock, signal, staff_admin),
            reference=ReferenceLists(uow, clock),
            audit_log=AuditLog(uow, clock),
            sms=SmsService(uow, clock, sender_number=sms_sender_number, ums_configured=ums_configured),
            sms_lists=SavedLists(uow, clock),
            sms_organizations=OrganizationRecipients(uow, clock),
            monitoring=Monitoring(uow, clock),
        )
