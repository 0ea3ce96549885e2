"""The health pages' fixtures (defined in :mod:`tests.health.web.data`, shared with the API tests)."""

from tests.health.web.data import health_rows, health_values  # noqa: F401
