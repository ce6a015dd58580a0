"""벤치마킹 통계: adoption (채택현황), progress results (추진결과) and where cases stand, by department and
by year. Only submitted work is counted: a review exists once a department submits it (drafts live apart),
and a progress result counts once the coordinator approved it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.benchmark.values import Adoption, CaseMeasure, CaseState, CountRow, ProgressResult
from core.benchmark.workflow import coordinated_department
from core.clock import Clock
from core.permissions import Permission, require
from core.values import StaffMember
from storage.uow import UnitOfWorkFactory

REVIEWED_STATES = tuple(s for s in CaseState if s is not CaseState.REGISTERED)
ALL_STATES = tuple(s.value for s in CaseState)


@dataclass(frozen=True, slots=True)
class TableRow:
    label: str  # a department's name, or a year
    counts: tuple[int, ...]  # one per column

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class CountTable:
    """Rows by department or year; ``columns`` are the values counted (Adoption, ProgressResult or
    CaseState values), in their display order."""

    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(row.counts[i] for row in self.rows) for i in range(len(self.columns)))

    @property
    def grand_total(self) -> int:
        return sum(self.totals)


@dataclass(frozen=True, slots=True)
class BenchmarkTables:
    year: int | None  # None: every year
    adoption_by_department: CountTable
    adoption_by_year: CountTable
    progress_by_department: CountTable
    progress_by_year: CountTable
    state_by_department: CountTable
    # Every year with cases in the actor's reach, newest first, whichever year the tables are for: the
    # coordinator picks among them, and a year outside them has nothing to show.
    years: tuple[int, ...] = ()


def build_table(counts: Iterable[CountRow], columns: Sequence[str], *, by: str) -> CountTable:
    """Cross-tabulate ``counts`` by department (``by="department"``) or year, rows sorted by label
    (years newest first), columns in the given order; values outside ``columns`` are left out."""
    cells: dict[str, list[int]] = defaultdict(lambda: [0] * len(columns))
    index = {value: i for i, value in enumerate(columns)}
    for row in counts:
        if row.value not in index:
            continue
        label = row.department if by == "department" else str(row.year)
        cells[label][index[row.value]] += row.count
    labels = sorted(cells, reverse=by == "year")
    return CountTable(columns=tuple(columns), rows=tuple(TableRow(label, tuple(cells[label])) for label in labels))


class BenchmarkStatistics:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def tables(self, actor: StaffMember, year: int | None = None) -> BenchmarkTables:
        """The coordinator's statistics screen (총괄부서: 벤치마킹 통계); a coordinator scoped to a department
        sees only that department's cases counted."""
        require(actor, Permission.BENCHMARK_COORDINATE)
        adoption_columns = [a.value for a in Adoption]
        progress_columns = [p.value for p in ProgressResult]
        scoped = coordinated_department(actor)
        async with self._uow() as uow:
            adoption = await uow.benchmark.count_by(
                CaseMeasure.ADOPTION, states=REVIEWED_STATES, year=year, department_id=scoped
            )
            progress = await uow.benchmark.count_by(
                CaseMeasure.PROGRESS_RESULT, states=(CaseState.APPROVED,), year=year, department_id=scoped
            )
            states = await uow.benchmark.count_by(
                CaseMeasure.STATE, states=tuple(CaseState), year=year, department_id=scoped
            )
            years = await uow.benchmark.list_years(scoped)
        return BenchmarkTables(
            year=year,
            adoption_by_department=build_table(adoption, adoption_columns, by="department"),
            adoption_by_year=build_table(adoption, adoption_columns, by="year"),
            progress_by_department=build_table(progress, progress_columns, by="department"),
            progress_by_year=build_table(progress, progress_columns, by="year"),
            state_by_department=build_table(states, list(ALL_STATES), by="department"),
            years=tuple(years),
        )
