"""Which register fields each role may edit (the forms themselves are built from the model)."""

from __future__ import annotations

from tisheng.core.choices import Role
from tisheng.core.models import School

SCHOOL_FIELDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (
        "name",
        "short_name",
        "school_type",
        "ownership",
        "is_puhui",
        "affiliation",
        "urban_rural",
        "town",
        "address",
        "longitude",
        "latitude",
        "phone",
        "principal_name",
        "opened_on",
        "closed_on",
    ),
    Role.PRINCIPAL: School.PRINCIPAL_EDITABLE,
}
