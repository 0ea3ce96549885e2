"""The data sets schools deliver. Importing this package registers every data set."""

from tisheng.intake.datasets import classes, students  # noqa: F401  (registration)
from tisheng.intake.datasets.base import registry

__all__ = ["registry"]
