"""The list tables of the organisation pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tisheng.web.tables import Column, Table


class SchoolTable(Table):
    columns = (
        Column("code", _("School code"), order_by="code"),
        Column("name", _("Name"), link=True, order_by="name"),
        Column("school_type", _("School type"), order_by="school_type"),
        Column("town", _("Town"), accessor="town.name", order_by="town__code"),
        Column("ownership", _("Ownership"), order_by="ownership"),
        Column("affiliation", _("Run by"), order_by="affiliation"),
        Column("urban_rural", _("Urban or rural"), order_by="urban_rural"),
    )
    default_order = "code"
    select_related = ("town",)


class TownTable(Table):
    columns = (
        Column("code", _("Town code"), order_by="code"),
        Column("name", _("Name"), link=True, order_by="name"),
        Column("kind", _("Kind"), order_by="kind"),
        Column("urban_rural", _("Urban or rural"), order_by="urban_rural"),
        Column("school_count", _("Schools"), numeric=True, order_by="school_count"),
    )
    default_order = "code"


class SchoolGroupTable(Table):
    columns = (
        Column("name", _("Name"), link=True, order_by="name"),
        Column("kind", _("Kind"), order_by="kind"),
        Column("lead_name", _("Lead school"), order_by="lead_name"),
        Column("member_count", _("Current members"), numeric=True, order_by="member_count"),
    )
    default_order = "kind"


class DepartmentTable(Table):
    columns = (
        Column("short_name", _("Short name"), link=True, order_by="short_name"),
        Column("name", _("Full name"), order_by="name"),
        Column("kind", _("Kind"), order_by="kind"),
    )
    default_order = "sort_order"
