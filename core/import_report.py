"""What a check of an office's workbook reports: each sheet's additions, changes and rows left alone, and
every problem as sheet, row, column, value and reason, in the words of the report's language; as a
workbook too, for a list too long for a message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from core.errors import InvalidInput
from core.texts.i18n import has_text, t_plain
from core.workbook import Column, ExportBook
from core.workbook import Kind as CellKind

MAX_LISTED_PROBLEMS = 1_000
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Problem:
    sheet: str  # the sheet's name as in the file; "" for the workbook as a whole
    row: int | None  # the sheet's row number as Excel shows it
    column: str  # the header as in the file; "" when not about one column
    value: str  # the cell as text ("" when empty)
    reason: str  # one sentence in the report's language


@dataclass(frozen=True, slots=True)
class SheetCounts:
    record: str
    sheet: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    file_name: str
    sheets: tuple[SheetCounts, ...]
    problems: tuple[Problem, ...]  # the first MAX_LISTED_PROBLEMS
    problem_count: int
    notices: tuple[Problem, ...]  # do not block: a formula's saved value used, a rule that only warns
    fingerprint: str  # what applying would do, against the data as it stood
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def has_changes(self) -> bool:
        return any(s.added or s.changed for s in self.sheets)


def problems_workbook(report: ImportReport, lang: str, created: datetime) -> bytes:
    """The report's problems (and notices) as a workbook, for a list too long for a message."""
    book = ExportBook(
        title=t_plain(lang, "hx.report.title", file=report.file_name),
        created=created,
        created_label=t_plain(lang, "hx.generated_at", at="{at}"),
    )
    columns = [
        Column(t_plain(lang, "hx.report.sheet")),
        Column(t_plain(lang, "hx.report.row"), CellKind.COUNT),
        Column(t_plain(lang, "hx.report.column")),
        Column(t_plain(lang, "hx.report.value"), width=30),
        Column(t_plain(lang, "hx.report.reason"), CellKind.WRAP, 60),
    ]
    for title, items in (("hx.report.problems", report.problems), ("hx.report.notices", report.notices)):
        if items or title == "hx.report.problems":
            rows = [(p.sheet, p.row, p.column, p.value, p.reason) for p in items]
            book.table(t_plain(lang, title), columns, rows, empty=t_plain(lang, "hx.report.none"))
    return book.save()


class Findings:
    """The problems and notices of a check as they are found: every problem counted, the first
    ``MAX_LISTED_PROBLEMS`` of each kept, each reason worded in ``lang``."""

    def __init__(self, lang: str) -> None:
        self._lang = lang
        self.count = 0
        self.problems: list[Problem] = []
        self.notices: list[Problem] = []

    def problem(self, sheet: str, row: int | None, column: str, value: object, error: InvalidInput) -> None:
        self.count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(sheet, row, column, _text(value), self._reason(error, column)))

    def notice(self, sheet: str, row: int | None, column: str, value: object, error: InvalidInput) -> None:
        if len(self.notices) < MAX_LISTED_PROBLEMS:
            self.notices.append(Problem(sheet, row, column, _text(value), self._reason(error, column)))

    def _reason(self, error: InvalidInput, column: str) -> str:
        """The rule's sentence for a sheet: the import's own wording, else the chat's without its markup."""
        params = {k: _text(v) if isinstance(v, date) else v for k, v in error.params.items()} | {"field": column}
        for key in (f"hx.problem.{error.code}", f"error.{error.code}"):
            if has_text(self._lang, key):
                try:
                    return _TAG.sub("", t_plain(self._lang, key, **params))
                except (KeyError, IndexError, ValueError):
                    continue
        return t_plain(self._lang, "hx.problem.unreadable")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%Y.%m.%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:200]
