"""tisheng (提升): run a basic-education quality improvement plan from data."""

__version__ = "0.1.0"
