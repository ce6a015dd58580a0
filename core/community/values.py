"""마을공동체: the community department's records (section 2 of the report), as entered.

A community organisation (단체(기관)) with its facility (시설현황), and a grant project of an open call
(우리마을 지원(공모)사업) of Seoul city, the district or a housing complex's call. Coded values are stored as
the codes below and shown in the office's words from the catalogs (``cm.field.*``, ``cm.legal_type.*``,
``cm.sponsor.*``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# 분야: 소통공간, 단체(기관), 소셜벤처, 기타 (the report's footnote 1), in its order.
ORGANIZATION_FIELDS = ("space", "organization", "social_venture", "other")
# 유형: the nine of the report's footnote 2, in its order.
LEGAL_TYPES = (
    "corporation",  # 법인
    "nonprofit_corporation",  # 비영리법인
    "nonprofit_association",  # 비영리사단법인
    "nonprofit_civic_group",  # 비영리민간단체
    "social_economy",  # 사회적경제
    "welfare_facility",  # 복지단체시설
    "individual",  # 개인
    "residents_group",  # 주민모임
    "other",  # 기타
)
# 사업구분: whose open call funds the project; a housing complex's call names its complex.
CITY, DISTRICT, HOUSING = "city", "district", "housing"
SPONSORS = (CITY, DISTRICT, HOUSING)


@dataclass(frozen=True, slots=True)
class Facility:
    """시설현황: areas in ㎡ (two decimals, as the register writes 221.55㎡), the scale as written (지하1/지상2)."""

    land_area: Decimal | None = None
    floor_area: Decimal | None = None
    scale: str | None = None
    main_facilities: str | None = None
    ownership: str | None = None
    remarks: str | None = None


@dataclass(frozen=True, slots=True)
class OrganizationDraft:
    """마을공동체 단체(기관) as entered; ``admin_dong`` is the 관할동's official name."""

    field: str
    legal_type: str
    name: str
    admin_dong: str
    founded_on: date | None = None
    address: str | None = None
    representative: str | None = None
    mobile: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    homepage: str | None = None
    business_year: int | None = None
    member_count: int | None = None
    facility: Facility | None = None


@dataclass(frozen=True, slots=True)
class GrantProjectDraft:
    """우리마을 지원(공모)사업; funds in thousand won (천원). A housing complex's call names the complex."""

    sponsor: str
    year: int
    name: str
    activity_area: str | None = None
    call_field: str | None = None
    content: str | None = None
    representative: str | None = None
    mobile: str | None = None
    member_count: int | None = None
    city_funds: int = 0
    district_funds: int = 0
    self_funds: int = 0
    remarks: str | None = None
    complex_id: int | None = None


@dataclass(frozen=True, slots=True)
class OrganizationSummary:
    """An organisation as a list shows it: enough to tell it apart and open its card."""

    id: int
    name: str
    field: str
    legal_type: str
    admin_dong: str


@dataclass(frozen=True, slots=True)
class OrganizationRecord:
    """An organisation as stored: what was entered, its dong's id, the version a change must name, and who
    saved it last. ``masked`` says the personal fields hold their masked forms (no ``pii.view`` for its dong)."""

    id: int
    version: int
    admin_dong_id: int
    organization: OrganizationDraft
    updated_by: str | None = None
    masked: bool = False


@dataclass(frozen=True, slots=True)
class OrganizationFilter:
    """Browsing: by 분야, 유형 and 관할동 (each None for any)."""

    field: str | None = None
    legal_type: str | None = None
    admin_dong_id: int | None = None


@dataclass(frozen=True, slots=True)
class GrantProjectRecord:
    """A grant project as stored, with the name of the complex a housing call's project was granted for."""

    id: int
    version: int
    project: GrantProjectDraft
    complex_name: str | None = None
    updated_by: str | None = None
    admin_dong_id: int | None = None  # the complex's dong, for a housing call's project
    masked: bool = False


@dataclass(frozen=True, slots=True)
class DongCount:
    """An administrative dong to browse or choose, with how many organisations it has."""

    id: int
    name: str
    organizations: int


@dataclass(frozen=True, slots=True)
class ComplexChoice:
    """A housing complex a housing call's project may name, as the search offers it."""

    id: int
    name: str
    admin_dong: str


@dataclass(frozen=True, slots=True)
class YearCount:
    """A year with grant projects, and how many."""

    year: int
    projects: int


@dataclass(frozen=True, slots=True)
class SponsorFunds:
    """[우리마을 지원사업 현황] one row: a sponsor's projects and their funds in 천원."""

    sponsor: str
    projects: int = 0
    city_funds: int = 0
    district_funds: int = 0
    self_funds: int = 0


@dataclass(frozen=True, slots=True)
class DongFigure:
    """[동별 단체(기관) 현황] one column: a dong, its short name and its organisations."""

    name: str
    short_name: str
    organizations: int


@dataclass(frozen=True, slots=True)
class CommunityDashboard:
    year: int
    by_field: tuple[tuple[str, int], ...]  # every 분야 in the report's order, 0 included
    funds: tuple[SponsorFunds, ...]  # every sponsor in the report's order, 0 included
    by_dong: tuple[DongFigure, ...]  # the reader's dongs (every dong for the district) in the district's order
    years: tuple[int, ...]  # the years with organisations or projects, newest first, for the year buttons
    dongs_only: tuple[str, ...] | None = None  # a reader scoped to dongs: their names (the figures are theirs)

    @property
    def organizations(self) -> int:
        return sum(count for _, count in self.by_field)

    def projects_of(self, sponsor: str) -> int:
        return next((f.projects for f in self.funds if f.sponsor == sponsor), 0)

    @property
    def total(self) -> SponsorFunds:
        """The funds table's 합계 row."""
        return SponsorFunds(
            sponsor="total",
            projects=sum(f.projects for f in self.funds),
            city_funds=sum(f.city_funds for f in self.funds),
            district_funds=sum(f.district_funds for f in self.funds),
            self_funds=sum(f.self_funds for f in self.funds),
        )
