"""The ordered registry of demo steps and the context they share.

A step is a function ``(ctx: DemoContext) -> None`` registered with ``@step("name", order=N)``. Steps
run in ``(order, name)`` order; each gets its own random generator, seeded from the demo seed and the
step's name only, so adding, removing or reordering a step never changes what another step generates.
See :mod:`tisheng.demo.generator` for how to add a step.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tisheng.core.models import AcademicYear, Department, District, School, SchoolSection, Town


class DemoError(Exception):
    """The demo district cannot be generated as asked."""


class DemoDataExists(DemoError):
    """The database already holds organisation data and ``reset`` was not asked for."""


@dataclass
class DemoAccount:
    """A demo sign-in: its role (code and Chinese label), username, password and what it can see."""

    role: str
    role_label: str
    username: str
    password: str
    scope: str


@dataclass
class DemoContext:
    """What the steps build on: the seed, this step's random generator, the rows made so far (by
    natural key) and the running counts. Steps may keep other shared results in ``facts``."""

    seed: int
    progress: Callable[[str], None] = lambda message: None
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    district_row: District | None = None
    towns: dict[str, Town] = field(default_factory=dict)  # by name
    schools: dict[str, School] = field(default_factory=dict)  # by 学校标识码
    sections: dict[tuple[str, str], SchoolSection] = field(default_factory=dict)  # (school code, stage)
    years: dict[int, AcademicYear] = field(default_factory=dict)  # by start year
    departments: dict[str, Department] = field(default_factory=dict)  # by code
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def district(self) -> District:
        if self.district_row is None:
            raise DemoError("The district has not been created yet: run this step after the district step.")
        return self.district_row

    @district.setter
    def district(self, value: District) -> None:
        self.district_row = value

    def school(self, name: str) -> School:
        """The school of this name (schools are looked up by name in the demo's data tables)."""
        by_name: dict[str, School] = self.facts.setdefault("schools_by_name", {})
        if len(by_name) != len(self.schools):
            by_name.clear()
            by_name.update({school.name: school for school in self.schools.values()})
        try:
            return by_name[name]
        except KeyError:
            raise DemoError(f"The demo has no school named {name}.") from None

    def add_count(self, key: str, value: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + value


StepFunction = Callable[[DemoContext], None]


@dataclass(frozen=True)
class Step:
    """One registered step: a unique name, its place in the run, a Chinese title for progress output."""

    name: str
    order: int
    title: str
    function: StepFunction

    def rng(self, seed: int) -> random.Random:
        """This step's own generator: depends on the seed and the step name only (a ``str`` seed is
        hashed with SHA-512 by ``random``, independent of ``PYTHONHASHSEED``)."""
        return random.Random(f"tisheng-demo:{seed}:{self.name}")


#: Every registered step; :func:`ordered_steps` gives them in run order.
STEPS: list[Step] = []


def step(name: str, *, order: int, title: str = "") -> Callable[[StepFunction], StepFunction]:
    """Register ``function`` as the demo step ``name``, run at position ``order`` (lower first)."""

    def register(function: StepFunction) -> StepFunction:
        for existing in STEPS:
            if existing.name != name:
                continue
            same = (existing.function.__module__, existing.function.__qualname__) == (
                function.__module__,
                function.__qualname__,
            )
            if not same:
                raise DemoError(f"Two demo steps are named {name!r}.")
            STEPS.remove(existing)  # the same module imported again (a reload): replace its step
            break
        STEPS.append(Step(name=name, order=order, title=title or name, function=function))
        return function

    return register


def ordered_steps() -> list[Step]:
    return sorted(STEPS, key=lambda s: (s.order, s.name))
