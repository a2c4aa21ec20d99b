"""What an import found: each problem (file, line, column, what to fix) and the counts."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..errors import DataError

MAX_ERRORS = 200           # listed in full up to this many; then counted
MAX_WARNINGS = 200

Progress = Callable[[float, str], None]


def shown(text: str, limit: int = 60) -> str:
    """A value from a file as shown inside a message: on one line, at most ``limit`` long."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass
class Problem:
    file: str
    message: str
    line: int | None = None
    column: str | None = None     # e.g. 'C ("Booth No.")' or a JSON path
    fix: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f": line {self.line}"
        if self.column and self.line is not None:
            where += f", column {self.column}"
        elif self.column:
            where += f": {self.column}"       # a record of a JSON document
        return f"{where}: {self.message}" + (f"; {self.fix}" if self.fix else "")


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    more_warnings: int = 0
    more_errors: int = 0
    rows: int = 0
    seconds: float = 0.0
    # rows found unchanged by comparing their line with the last import's (not read again)
    compared: int = 0
    # what happened to the search index: "rebuilt" (as a whole), "updated" (the entries of
    # ``index_records`` records written in place or added), "unchanged"
    search_index: str = "unchanged"
    index_records: int = 0
    # False when the import found nothing to change: the expo file is left as it was
    changed: bool = True
    # (file, line) of every row a problem was reported for (such rows are never skipped)
    flagged: set = field(default_factory=set, repr=False)

    def count(self, what: str, kind: str, n: int = 1) -> None:
        d = getattr(self, what)
        d[kind] = d.get(kind, 0) + n

    def total(self, what: str) -> int:
        return sum(getattr(self, what).values())

    def warn(self, problem: Problem) -> None:
        self.flagged.add((problem.file, problem.line))
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(problem)
        else:
            self.more_warnings += 1

    def error(self, problem: Problem) -> None:
        self.flagged.add((problem.file, problem.line))
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(problem)
        else:
            self.more_errors += 1

    @property
    def n_errors(self) -> int:
        return len(self.errors) + self.more_errors

    def summary(self) -> str:
        def fmt(d):
            return ", ".join(f"{v} {plural(k, v)}" for k, v in sorted(d.items()) if v) or "none"
        lines = [f"added: {fmt(self.added)}", f"updated: {fmt(self.updated)}",
                 f"unchanged: {fmt(self.unchanged)}", f"rejected: {fmt(self.rejected)}",
                 self.index_line()]
        if self.compared:
            lines.append(f"{self.compared:,} of {self.rows:,} rows unchanged since the last "
                         "import of their file (compared, not read again)")
        if not self.changed:
            lines.append("nothing changed; the expo file was left as it was")
        n = len(self.warnings) + self.more_warnings
        if n:
            lines.append(f"{n} warning{'s' if n != 1 else ''}")
        return "\n".join(lines)

    def index_line(self) -> str:
        """What the import did to the search index, in one line: "search index rebuilt",
        "search index updated for N records" or "search index unchanged"."""
        if self.search_index == "updated":
            n = self.index_records
            return f"search index updated for {n:,} record{'s' if n != 1 else ''}"
        return f"search index {self.search_index}"

    def index_summary(self) -> str:
        """``index_line`` as a sentence, for the window's summary."""
        line = self.index_line()
        return line[0].upper() + line[1:] + "."

    def as_dict(self) -> dict:
        return {"files": self.files, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected, "rows": self.rows,
                "warnings": [str(w) for w in self.warnings], "more_warnings": self.more_warnings,
                "errors": [str(e) for e in self.errors], "more_errors": self.more_errors,
                "seconds": round(self.seconds, 3), "compared": self.compared,
                "search_index": self.search_index,
                "index_records": self.index_records, "changed": self.changed}


class Problems:
    """Where the parts of an import report what they find (one ``ImportReport``)."""

    def __init__(self, report: ImportReport):
        self.report = report

    def error(self, file, message, line=None, column=None, fix=""):
        self.report.error(Problem(file, message, line, column, fix))

    def warn(self, file, message, line=None, column=None, fix=""):
        self.report.warn(Problem(file, message, line, column, fix))


def plural(kind: str, n: int) -> str:
    if n == 1:
        return kind
    return {"person": "people", "supply entry": "supply entries", "duplicate row": "duplicate rows"
            }.get(kind, kind + "s")


class ImportFailed(DataError):
    """The files have errors; nothing was imported. ``report.errors`` lists them all."""

    def __init__(self, report: ImportReport):
        self.report = report
        n = len(report.errors) + report.more_errors
        first = str(report.errors[0]) if report.errors else "import failed"
        more = f" (and {n - 1} more error{'s' if n > 2 else ''})" if n > 1 else ""
        super().__init__(first + more + "; nothing was imported")


class ImportCancelled(Exception):
    """The user cancelled; nothing was imported."""
