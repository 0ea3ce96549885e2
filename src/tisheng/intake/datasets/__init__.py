"""The data sets schools deliver. Importing this package registers every data set."""

from tisheng.intake.datasets import (  # noqa: F401  (registration)
    activities,
    births,
    classes,
    ethics_violations,
    facilities,
    honours,
    population,
    recognitions,
    rotations,
    status_changes,
    students,
    teachers,
)
from tisheng.intake.datasets.base import registry

__all__ = ["registry"]
