"""The housing registry's values: what is entered and loaded (drafts, checked by ``core.housing.validation``), what
the repository hands back, and the card staff see. What personal data a reader may see is decided once (see
``core.masking``), so views carry already-masked fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

# The ledger's records, as the audit log and the chat name them. Every change to one of them is audited as
# ``housing.<record>.<add|edit|remove>`` with target ``("complex", complex id)`` and details
# ``{"record_id": id, "changes": {field: [old, new]}}``, so a complex's history is one audit query.
RECORDS = ("complex", "office", "manager", "representative", "group", "project", "photo", "complaint")

# Fields holding personal data, by record: masked without ``pii.view`` wherever they show (card, lists,
# history), and an unmasked view of them is audited.
PERSONAL_FIELDS: dict[str, frozenset[str]] = {
    "office": frozenset({"manager_birth_date", "manager_mobile"}),
    "manager": frozenset({"birth_date", "mobile"}),
    "representative": frozenset({"birth_date", "phone"}),
    "group": frozenset({"leader_phone", "leader_email", "members"}),
    "complaint": frozenset({"complainant", "contact"}),
}

# -- as entered ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComplexDraft:
    """A 공동주택 단지 as entered; ``admin_dong`` is the 행정동's official name."""

    name: str
    kind: str
    management_type: str | None
    admin_dong: str
    address: str
    building_count: int
    household_count: int
    households_by_area: tuple[int, int, int, int, int]
    floors_min: int | None = None
    floors_max: int | None = None
    approved_on: date | None = None
    kapt_code: str | None = None
    kapt_management_mode: str | None = None
    remarks: str | None = None
    location: GeoPoint | None = None


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A place on the map in WGS 84 degrees, as Telegram's location messages give it."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Office:
    """관리사무소 and its chief (관리소장), as entered and as stored (one per complex, so it has no id of its own)."""

    phone: str | None = None
    fax: str | None = None
    manager_name: str | None = None
    manager_birth_date: date | None = None
    manager_mobile: str | None = None
    manager_license_no: str | None = None
    manager_license_grade: str | None = None
    manager_assigned_on: date | None = None


@dataclass(frozen=True, slots=True)
class RepresentativeDraft:
    """입주자대표 구성원; ``position`` is the 직위's name (회장, 감사, …) from the admin-kept list."""

    position: str
    name: str
    gender: str | None = None
    birth_date: date | None = None
    building_unit: str | None = None
    phone: str | None = None
    term_start: date | None = None
    term_end: date | None = None


@dataclass(frozen=True, slots=True)
class GroupDraft:
    """자생단체: a community-activation group or another self-run group of a complex."""

    kind: str
    name: str
    leader_position: str | None = None
    leader_name: str | None = None
    leader_phone: str | None = None
    leader_email: str | None = None
    member_count: int | None = None
    formed_on: date | None = None
    # 회원 명단: the members' names, one per line or comma-separated, as the group handed it in.
    members: str | None = None


@dataclass(frozen=True, slots=True)
class SupportProjectDraft:
    """지원사업; amounts in thousand won (천원)."""

    kind: str
    name: str
    amount: int
    returned_amount: int = 0
    period_start: date | None = None
    period_end: date | None = None


@dataclass(frozen=True, slots=True)
class ComplexBundle:
    """One complex with everything its card shows, as entered: what a bulk load writes.

    ``shares_buildings_with`` names the estate whose buildings this record's households live in: the rental
    flats of a mixed estate (소셜믹스) are registered as a rental complex of their own, and its buildings are
    the estate's buildings counted a second time. The database links it (``buildings_shared_with_id``) so
    the district's building total counts them once."""

    complex: ComplexDraft
    office: Office | None = None
    representatives: tuple[RepresentativeDraft, ...] = ()
    groups: tuple[GroupDraft, ...] = ()
    projects: tuple[SupportProjectDraft, ...] = ()
    shares_buildings_with: str | None = None


@dataclass(frozen=True, slots=True)
class AdminDongDraft:
    """행정동: official name and the short form the office writes in its tables (왕십리도선동 → 왕도)."""

    name: str
    short_name: str
    sort_order: int


# -- as read ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComplexSummary:
    id: int
    name: str
    admin_dong: str
    address: str
    household_count: int


@dataclass(frozen=True, slots=True)
class ComplexDetail:
    id: int
    name: str
    kind: str
    management_type: str | None
    kapt_code: str | None
    kapt_management_mode: str | None
    admin_dong_id: int
    admin_dong: str
    admin_dong_short: str
    address: str
    building_count: int
    household_count: int
    floors_min: int | None
    floors_max: int | None
    approved_on: date | None
    households_by_area: tuple[int, int, int, int, int]
    remarks: str | None
    version: int
    updated_at: datetime
    location: GeoPoint | None = None


@dataclass(frozen=True, slots=True)
class RepresentativeRecord:
    id: int
    position: str
    name: str
    gender: str | None
    birth_date: date | None
    building_unit: str | None
    phone: str | None
    term_start: date | None
    term_end: date | None


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: int
    kind: str
    name: str
    leader_position: str | None
    leader_name: str | None
    leader_phone: str | None
    leader_email: str | None
    member_count: int | None
    formed_on: date | None
    members: str | None


@dataclass(frozen=True, slots=True)
class SupportProjectRecord:
    id: int
    kind: str
    name: str
    period_start: date | None
    period_end: date | None
    amount: int
    returned_amount: int


@dataclass(frozen=True, slots=True)
class ComplexSections:
    """Everything the one-screen card shows, read in a fixed number of queries."""

    detail: ComplexDetail
    office: Office | None
    representatives: tuple[RepresentativeRecord, ...]
    groups: tuple[GroupRecord, ...]
    projects: tuple[SupportProjectRecord, ...]
    photo_count: int
    community_grants: tuple[CommunityGrant, ...] = ()
    open_complaints: int = 0


@dataclass(frozen=True, slots=True)
class CommunityGrant:
    """A project of a housing complex's open call (공동주택 공모사업) that the community department granted for
    this complex: the report links it to the complex's records, so the card lists it (funds in 천원)."""

    year: int
    name: str
    city_funds: int
    district_funds: int
    self_funds: int


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date as the reader may see it: the full date, or only the year when masked."""

    year: int
    full: date | None

    @classmethod
    def of(cls, value: date | None, *, masked: bool) -> BirthDate | None:
        if value is None:
            return None
        return cls(year=value.year, full=None if masked else value)


@dataclass(frozen=True, slots=True)
class ManagerView:
    office_phone: str | None
    office_fax: str | None
    name: str | None
    birth: BirthDate | None
    mobile: str | None
    license_no: str | None
    license_grade: str | None
    assigned_on: date | None


@dataclass(frozen=True, slots=True)
class RepresentativeView:
    position: str
    name: str
    gender: str | None
    birth: BirthDate | None
    building_unit: str | None
    phone: str | None
    term_start: date | None
    term_end: date | None


@dataclass(frozen=True, slots=True)
class GroupView:
    kind: str
    name: str
    leader_position: str | None
    leader_name: str | None
    leader_phone: str | None
    leader_email: str | None
    member_count: int | None
    formed_on: date | None
    members: str | None


@dataclass(frozen=True, slots=True)
class ComplexCard:
    """공동주택 조회: the one-screen card of the seed report."""

    detail: ComplexDetail
    office: ManagerView | None
    representatives: tuple[RepresentativeView, ...]
    groups: tuple[GroupView, ...]
    projects: tuple[SupportProjectRecord, ...]
    photo_count: int
    personal_data_masked: bool
    # The reader holds housing.write for the complex's dong: the card offers its ledger's changes.
    writable: bool = False
    # Complaints still open (received or in progress): the card's 📮 button says how many.
    open_complaints: int = 0
    # The community department's housing-call projects for this complex, newest first.
    community_grants: tuple[CommunityGrant, ...] = ()


# -- the ledger (the write side) ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerRecord:
    """One record of a complex's ledger as the 수정 dialogue reads it: its fields by name (see
    ``core.housing.fields``), the version an edit must name, and who saved it last. ``masked`` says the
    personal fields hold their masked forms (the reader lacks ``pii.view`` for the complex's dong)."""

    record: str
    id: int
    complex_id: int
    version: int
    values: Mapping[str, object] = field(hash=False)
    updated_by: str | None = None
    updated_at: datetime | None = None
    masked: bool = False


@dataclass(frozen=True, slots=True)
class LedgerComplex:
    """A complex's whole ledger, every record with its version."""

    complex: LedgerRecord
    admin_dong_id: int
    office: LedgerRecord | None
    representatives: tuple[LedgerRecord, ...]
    groups: tuple[LedgerRecord, ...]
    projects: tuple[LedgerRecord, ...]

    @property
    def name(self) -> str:
        return str(self.complex.values["name"])

    def records(self, record: str) -> tuple[LedgerRecord, ...]:
        if record == "complex":
            return (self.complex,)
        if record == "office":
            return (self.office,) if self.office else ()
        return {"representative": self.representatives, "group": self.groups, "project": self.projects}[record]


@dataclass(frozen=True, slots=True)
class LedgerWrite:
    """What storage writes for one record: its fields by the ledger's names (``core.housing.fields``);
    the repository maps the few that are stored otherwise (a position's name, the dong's name, the bands)."""

    record: str
    values: Mapping[str, object] = field(hash=False)
    at: datetime
    by: int | None  # None: the system (the operator at the command line)


@dataclass(frozen=True, slots=True)
class FormerManager:
    """관리소장 이력: a manager replaced by a new one, and when and by whom."""

    name: str
    birth_date: date | None
    mobile: str | None
    license_no: str | None
    license_grade: str | None
    assigned_on: date | None
    replaced_on: date
    replaced_by: int | None


@dataclass(frozen=True, slots=True)
class FormerManagerView:
    """관리소장 이력 as the reader may see it (masked without ``pii.view``)."""

    name: str
    birth: BirthDate | None
    mobile: str | None
    license_no: str | None
    license_grade: str | None
    assigned_on: date | None
    replaced_on: date


# -- complaints (민원) ---------------------------------------------------------------------------------------
# The ledger the office kept by hand beside the 응답소 system: received → in progress → closed with a result.

# How a complaint reached the office, as the ledger's 접수경로 column: 방문, 전화, 응답소, 서면, 전자우편·온라인.
COMPLAINT_CHANNELS = ("visit", "phone", "eungdapso", "letter", "online")


class ComplaintState(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


OPEN_COMPLAINT_STATES = (ComplaintState.RECEIVED, ComplaintState.IN_PROGRESS)


class ComplaintAction(StrEnum):
    """What a member may do to a complaint; a view says which of them its reader may do now."""

    START = "start"
    CLOSE = "close"
    REASSIGN = "reassign"
    EDIT = "edit"


@dataclass(frozen=True, slots=True)
class ComplaintDraft:
    """A complaint as the registering member entered it (checked by ``core.housing.complaints``)."""

    complex_id: int
    received_on: date
    channel: str
    content: str
    assignee_id: int
    complainant: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class NewComplaint:
    """What the repository writes for a registered complaint."""

    complex_id: int
    received_on: date
    channel: str
    complainant: str | None
    contact: str | None
    content: str
    assignee_id: int
    state: str
    created_by_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ComplaintEdit:
    """Fields a member corrects; None leaves a field as it is, and ``clear`` names optional fields emptied."""

    received_on: date | None = None
    channel: str | None = None
    complainant: str | None = None
    contact: str | None = None
    content: str | None = None
    clear: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ComplaintChange:
    """A complaint's every changeable column after a change, written only over the version it was read at."""

    received_on: date
    channel: str
    complainant: str | None
    contact: str | None
    content: str
    assignee_id: int
    state: str
    result: str | None
    closed_on: date | None
    updated_by_id: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ComplaintRecord:
    """A complaint as stored, with the names a reader needs."""

    id: int
    complex_id: int
    complex_name: str
    admin_dong_id: int
    admin_dong: str
    received_on: date
    channel: str
    complainant: str | None
    contact: str | None
    content: str
    assignee_id: int
    assignee_name: str
    state: str
    result: str | None
    closed_on: date | None
    created_by_name: str | None
    created_at: datetime
    updated_by_name: str | None
    updated_at: datetime | None
    version: int


@dataclass(frozen=True, slots=True)
class ComplaintView:
    """A complaint as its reader may see it: complainant and contact masked without ``pii.view`` for the
    complex's dong, with what the reader may do to it now."""

    id: int
    complex_id: int
    complex_name: str
    admin_dong: str
    received_on: date
    channel: str
    complainant: str | None
    contact: str | None
    content: str
    assignee_id: int
    assignee_name: str
    state: ComplaintState
    result: str | None
    closed_on: date | None
    created_by_name: str | None
    updated_by_name: str | None
    version: int
    days_open: int
    overdue: bool
    personal_data_masked: bool
    actions: frozenset[ComplaintAction] = frozenset()
    # Set on the view a registration or reassignment hands back: the assignee's notice is on its way.
    notice_queued: bool = False


@dataclass(frozen=True, slots=True)
class ComplaintListItem:
    """One line of a complaint list: no personal data, so a list needs no unmasked-view audit."""

    id: int
    complex_id: int
    complex_name: str
    admin_dong_id: int
    admin_dong: str
    received_on: date
    channel: str
    content: str
    assignee_id: int
    assignee_name: str
    state: str


@dataclass(frozen=True, slots=True)
class Assignee:
    """A member who may take a complaint: active, holding ``housing.write`` for the complex's dong."""

    id: int
    name: str
    department: str
    bound: bool


@dataclass(frozen=True, slots=True)
class PlacedComplex:
    """A complex with a location, as the nearest-complex search first reads it: only what picks the nearest."""

    id: int
    admin_dong_id: int
    location: GeoPoint


@dataclass(frozen=True, slots=True)
class NearbyComplex:
    """One complex of a nearest-complex search, with its distance from the searched point in whole metres."""

    complex: ComplexSummary
    distance_m: int


@dataclass(frozen=True, slots=True)
class TermEnding:
    """A representative whose term ends soon, as the daily reminder lists them."""

    complex_id: int
    complex: str
    admin_dong_id: int
    position: str
    name: str
    term_end: date


@dataclass(frozen=True, slots=True)
class UnlicensedManager:
    """A complex whose registered manager (관리소장) has no licence number, as the daily reminder lists them."""

    complex_id: int
    complex: str
    admin_dong_id: int
    manager: str


# -- photos -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewPhoto:
    """A photo as it is kept: its bytes are in the photo store under ``file_path``, named by ``sha256``."""

    complex_id: int
    caption: str | None
    sha256: str
    size: int
    content_type: str
    file_path: str
    telegram_file_id: str | None
    sent_as: str  # "photo" | "document": how the chat sent it, and how it is sent back
    uploaded_at: datetime
    uploaded_by: int


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """A complex's photo as the chat lists it and sends it back."""

    id: int
    complex_id: int
    caption: str | None
    sha256: str
    size: int
    content_type: str
    file_path: str | None
    telegram_file_id: str | None
    sent_as: str
    uploaded_at: datetime
    uploaded_by: str | None  # the member's name
    version: int


@dataclass(frozen=True, slots=True)
class ComplexPhotos:
    """A complex's photos, oldest first, and whether the reader may add and remove them."""

    complex_id: int
    complex_name: str
    photos: tuple[PhotoInfo, ...]
    writable: bool


# -- representatives found by name ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepresentativeMatch:
    """A representative found by name, with the complex and dong they sit for (as stored, unmasked)."""

    id: int
    complex_id: int
    complex_name: str
    admin_dong_id: int
    admin_dong: str
    position: str
    name: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class RepresentativeHit:
    """A search result as its reader may see it: ``phone`` masked unless pii.view covers the dong."""

    id: int
    complex_id: int
    complex_name: str
    admin_dong: str
    position: str
    name: str
    phone: str | None
    phone_masked: bool


# -- statistics (공동주택 현황) ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Totals:
    """One cell group of a 현황 table: 단지수, 동(棟)수, 세대수. The type table counts a building shared by a
    mixed estate's rental record (소셜믹스) once, with the estate; the 동별 and 년도별 tables add up each
    record's own buildings (see ``core.housing.statistics``)."""

    complexes: int
    buildings: int
    households: int


@dataclass(frozen=True, slots=True)
class KindTotals:
    """A row of the type table: ``kind`` (apartment, row_house) and, for apartments, ``management_type``. As the
    report prints it, a row counts its records' buildings, shared ones too (``shared_buildings`` of them); the
    subtotals count each building once."""

    kind: str
    management_type: str | None
    totals: Totals
    shared_buildings: int


@dataclass(frozen=True, slots=True)
class DongTotals:
    admin_dong_id: int
    admin_dong: str
    totals: Totals


@dataclass(frozen=True, slots=True)
class YearTotals:
    """Complexes by their use-approval year (사용승인)."""

    year: int
    totals: Totals


# How support projects are grouped for 지원 현황 (by year) and 지원사업 통계 (by kind, dong, complex).
SUPPORT_GROUPS = ("year", "kind", "dong", "complex")


@dataclass(frozen=True, slots=True)
class SupportTotals:
    """Support projects grouped by ``key`` (a year, a kind, a dong's or a complex's id), amounts in 천원."""

    key: str
    label: str
    projects: int
    granted: int
    returned: int


@dataclass(frozen=True, slots=True)
class PositionCount:
    """입주자대표 구성원 현황: how many representatives hold ``position`` in a dong."""

    admin_dong_id: int
    admin_dong: str
    position: str
    count: int
