"""What the generators produce: plain drafts, ready for validation and loading."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core.benchmark.numbering import case_number
from core.benchmark.values import CaseState, WorkDraft
from core.housing.values import AdminDongDraft, ComplexBundle, Totals


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
    benchmark: BenchmarkCounts = field(default_factory=lambda: BenchmarkCounts())
    community_organizations: int = 0
    grant_projects: int = 0

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
            "community_organizations": f"{self.community_organizations:,}",
            "grant_projects": f"{self.grant_projects:,}",
            **self.benchmark.figures(),
        }


# --- benchmarking ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoStaff:
    """A staff member of the demo office, known by the Saeol ID cases and events refer to."""

    saeol_id: str
    name: str
    department: str
    permissions: tuple[str, ...]
    joined_at: datetime  # the account's creation, UTC


@dataclass(frozen=True, slots=True)
class DemoEvent:
    """One line of a case's history, as the services write it: ``actor`` is a Saeol ID."""

    at: datetime  # UTC
    actor: str
    action: str
    state_from: str | None
    state_to: str | None
    note: str | None = None
    changes: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class DemoAttachment:
    file_name: str
    content: bytes
    photo: bool
    uploaded_by: str
    uploaded_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class DemoCase:
    """A case as its history tells it; the row's state, review and decision fields are what replaying
    ``events`` gives (``bot.demo_data.benchmark_history.replay``), so the two cannot disagree."""

    year: int
    quarter: int
    serial: int
    title: str
    summary: str | None
    source: str | None
    department: str
    officer: str | None
    registered_by: str
    events: tuple[DemoEvent, ...]
    attachments: tuple[DemoAttachment, ...] = ()
    draft: WorkDraft | None = None  # the department's unsent work (임시저장)
    draft_saved_at: datetime | None = None

    @property
    def case_no(self) -> str:
        return case_number(self.year, self.quarter, self.serial)

    @property
    def state(self) -> CaseState:
        last = self.events[-1].state_to
        assert last is not None
        return CaseState(last)


@dataclass(frozen=True, slots=True)
class DemoBenchmark:
    """The benchmarking office: its staff and a decade of cases. ``desk`` is the 기획예산과 officer whose
    cases a terminal demo's persona may take over (see ``bot.demo_data.load_benchmark``)."""

    staff: tuple[DemoStaff, ...]
    cases: tuple[DemoCase, ...]
    desk: str

    def serials(self) -> dict[tuple[int, int], int]:
        """The last serial of each quarter: what ``benchmark_case_serial`` must hold."""
        last: dict[tuple[int, int], int] = {}
        for case in self.cases:
            key = (case.year, case.quarter)
            last[key] = max(last.get(key, 0), case.serial)
        return last


@dataclass(frozen=True, slots=True)
class BenchmarkCounts:
    """What a load wrote of benchmarking: staff added and cases by state."""

    staff: int = 0
    by_state: tuple[tuple[str, int], ...] = ()

    @property
    def cases(self) -> int:
        return sum(count for _, count in self.by_state)

    def figures(self) -> dict[str, str]:
        states = dict(self.by_state)
        return {
            "benchmark_staff": f"{self.staff:,}",
            "cases": f"{self.cases:,}",
            **{f"cases_{state.value}": f"{states.get(state.value, 0):,}" for state in CaseState},
        }
