"""What a data set is: its sheet, its columns (each with a cell type), how a row is identified, the rules
across fields and rows, and how rows are read from and written to the database.

A data set file is a complete list for its scope: uploading the students of school A for 2025 replaces
that list. Rows not in the file are removed, rows that differ are changed, the rest are unchanged —
which is why re-uploading the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.functional import Promise

from tisheng.core.models import AcademicYear, School, User
from tisheng.intake.cells import CellType, Text


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    cell: CellType
    required: bool = True
    example: Any = ""
    help: str = ""
    aliases: tuple[str, ...] = ()

    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


SCHOOL_CODE = Column(
    "school_code",
    "学校标识码",
    Text(max_length=10, pattern=r"\d{10}", pattern_hint="10 位数字的学校标识码"),
    example="2164010501",
    help="本校的 10 位学校标识码（在学校信息页可以查到）",
)


@dataclass(frozen=True)
class Place:
    """Where a value came from: file, sheet, row (1-based, as Excel shows it) and column letter."""

    file: str
    sheet: str
    row: int | None = None
    column: str | None = None
    header: str | None = None

    def label(self) -> str:
        parts = [f"文件“{self.file}”", f"工作表“{self.sheet}”"]
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列（{self.header}）" if self.header else f"{self.column} 列")
        return "，".join(parts)


@dataclass
class Issue:
    severity: str  # "error" | "warning"
    place: Place
    message: str
    hint: str = ""
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "file": self.place.file,
            "sheet": self.place.sheet,
            "row": self.place.row,
            "column": self.place.column,
            "header": self.place.header,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
            "where": self.place.label(),
        }

    def text(self) -> str:
        value = f"（值：“{self.value}”）" if self.value else ""
        hint = f" —— {self.hint}" if self.hint else ""
        return f"{self.place.label()}：{self.message}{value}{hint}"


def error(place: Place, message: str, hint: str = "", value: Any = "") -> Issue:
    from tisheng.intake.cells import normalise_text

    return Issue("error", place, message, hint, normalise_text(value) if value not in (None, "") else "")


def warning(place: Place, message: str, hint: str = "", value: Any = "") -> Issue:
    from tisheng.intake.cells import normalise_text

    return Issue("warning", place, message, hint, normalise_text(value) if value not in (None, "") else "")


@dataclass
class Row:
    """A parsed data row: clean values by column key, and where each came from."""

    place: Place
    values: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)  # key → column letter

    def at(self, key: str, dataset: Dataset) -> Place:
        column = dataset.column(key)
        return Place(self.place.file, self.place.sheet, self.place.row, self.columns.get(key), column.header)


@dataclass
class Context:
    """What validation and writing may consult: the year, the uploading user and the school the batch
    is for (a school user's own school), and lookups shared by every row."""

    user: User
    year: AcademicYear | None
    school: School | None
    today: dt.date
    schools_by_code: dict[str, School] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class Change:
    identity: tuple[Any, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    row: Row | None = None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"

    def changed_keys(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        return [k for k in self.after if self.before.get(k) != self.after.get(k)]


@dataclass
class Plan:
    """The difference between the file and the database, for the preview and for writing."""

    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def all(self) -> Iterator[Change]:
        yield from self.added
        yield from self.changed
        yield from self.removed


class Dataset:
    """Subclass per data set and register it with ``@registry.register``."""

    name: ClassVar[str]
    title: ClassVar[str | Promise]
    sheet: ClassVar[str]
    description: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]]
    identity: ClassVar[tuple[str, ...]]
    per_school: ClassVar[bool] = True
    per_year: ClassVar[bool] = True
    #: rows a test or the template shows as an example (values as a clerk would type them)
    example_rows: ClassVar[tuple[dict[str, Any], ...]] = ()

    # --- declared structure -----------------------------------------------------------------------

    @classmethod
    def column(cls, key: str) -> Column:
        for c in cls.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @classmethod
    def key_of(cls, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values[k] for k in cls.identity)

    # --- rules (override) -------------------------------------------------------------------------

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        """Cross-field rules of one row (a 3-year-old in 初中 …)."""
        return ()

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        """Rules across rows and against the database (a class larger than its listed students …)."""
        return ()

    # --- database side (override) -----------------------------------------------------------------

    def existing(
        self, ctx: Context, schools: list[School], rows: list[Row]
    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        """The rows now in the database for this scope (the file's schools, or what ``rows`` cover), as
        the same values a parsed row has."""
        raise TypeError(f"{type(self).__name__} must define existing()")

    def comparable(self, row: Row) -> dict[str, Any]:
        """The values of a parsed row compared with ``existing`` (all columns by default)."""
        return dict(row.values)

    def write(self, ctx: Context, plan: Plan, batch_id: int) -> None:
        """Apply the plan (inside the caller's transaction)."""
        raise TypeError(f"{type(self).__name__} must define write()")


class Registry:
    def __init__(self) -> None:
        self._datasets: dict[str, type[Dataset]] = {}

    def register(self, dataset: type[Dataset]) -> type[Dataset]:
        if dataset.name in self._datasets:
            raise ValueError(f"data set {dataset.name} registered twice")
        keys = [c.key for c in dataset.columns]
        if len(keys) != len(set(keys)):
            raise ValueError(f"data set {dataset.name} repeats a column key")
        missing = set(dataset.identity) - set(keys)
        if missing:
            raise ValueError(f"data set {dataset.name}: identity {missing} are not columns")
        self._datasets[dataset.name] = dataset
        return dataset

    def get(self, name: str) -> type[Dataset] | None:
        return self._datasets.get(name)

    def all(self) -> list[type[Dataset]]:
        return list(self._datasets.values())

    def names(self) -> list[str]:
        return list(self._datasets)


registry = Registry()
