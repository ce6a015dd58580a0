"""What the generators produce: plain drafts, ready for validation and loading."""

from __future__ import annotations

from dataclasses import dataclass

from core.validation import ComplexDraft, GroupDraft, OfficeDraft, RepresentativeDraft, SupportProjectDraft


@dataclass(frozen=True, slots=True)
class AdminDongDraft:
    """행정동: official name and the short form the office writes in its tables (왕십리도선동 → 왕도)."""

    name: str
    short_name: str
    sort_order: int


@dataclass(frozen=True, slots=True)
class Totals:
    """One cell group of a 현황 table: 단지수, 동(棟)수, 세대수."""

    complexes: int
    buildings: int
    households: int


@dataclass(frozen=True, slots=True)
class ComplexBundle:
    """One complex with everything its card shows.

    ``shares_buildings_with`` names the estate whose buildings this record's households live in: the rental
    flats of a mixed estate (소셜믹스) are registered as a rental complex of their own, and its buildings are
    the estate's buildings counted a second time. The database links it (``buildings_shared_with_id``) so
    the district's building total counts them once."""

    complex: ComplexDraft
    office: OfficeDraft | None = None
    representatives: tuple[RepresentativeDraft, ...] = ()
    groups: tuple[GroupDraft, ...] = ()
    projects: tuple[SupportProjectDraft, ...] = ()
    shares_buildings_with: str | None = None


@dataclass(frozen=True, slots=True)
class DemoDistrict:
    admin_dongs: tuple[AdminDongDraft, ...]
    complexes: tuple[ComplexBundle, ...]

    @property
    def representative_count(self) -> int:
        return sum(len(b.representatives) for b in self.complexes)

    def totals(self, category: str | None = None, *, distinct_buildings: bool = False) -> Totals:
        """Totals over a kind (``apartment``, ``row_house``), a management type, or all complexes; buildings
        counted per record, or each physical building once (``distinct_buildings``)."""
        bundles = [b for b in self.complexes if category in (None, b.complex.kind, b.complex.management_type)]
        return Totals(
            complexes=len(bundles),
            buildings=sum(
                b.complex.building_count for b in bundles if not (distinct_buildings and b.shares_buildings_with)
            ),
            households=sum(b.complex.household_count for b in bundles),
        )


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What a load wrote. ``buildings`` adds up the records' building counts; ``distinct_buildings`` counts
    each physical building once (the seed table's 합계), leaving out those a rental record shares."""

    admin_dongs: int
    complexes: int
    buildings: int
    distinct_buildings: int
    households: int
    offices: int
    representatives: int
    groups: int
    projects: int

    def figures(self) -> dict[str, str]:
        """The summary as display figures (thousands separated), with buildings counted once each."""
        return {
            "admin_dongs": f"{self.admin_dongs:,}",
            "complexes": f"{self.complexes:,}",
            "buildings": f"{self.distinct_buildings:,}",
            "households": f"{self.households:,}",
            "offices": f"{self.offices:,}",
            "representatives": f"{self.representatives:,}",
            "groups": f"{self.groups:,}",
            "projects": f"{self.projects:,}",
        }
