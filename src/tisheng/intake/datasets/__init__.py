"""The data sets schools deliver. Importing this package registers every data set."""

from tisheng.intake.datasets import (  # noqa: F401  (registration)
    activities,
    births,
    classes,
    ethics_violations,
    facilities,
    fitness,
    honours,
    population,
    recognitions,
    rotations,
    status_changes,
    students,
    teachers,
    vision,
    wuxiang,
)
from tisheng.intake.datasets.base import registry

__all__ = ["registry"]
