"""The audit trail records every create, update and delete with actor, source and before/after."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World
from tisheng.census.models import SchoolClass
from tisheng.core.audit import acting_as, bulk_create_audited
from tisheng.core.choices import AuditAction, ChangeSource, Grade
from tisheng.core.models import ChangeRecord, School, Town, User


def test_create_update_delete_are_recorded(world: World) -> None:
    admin = world.users["admin"]
    with acting_as(admin, ChangeSource.CLI):
        town = Town.objects.create(
            district=world.district,
            code="640105002",
            name="朔方路街道",
            kind="subdistrict",
            urban_rural="urban",
        )
        town.name = "朔方路街道办"
        town.save()
        town_pk = town.pk
        town.delete()
    records = list(
        ChangeRecord.objects.filter(object_id=str(town_pk), content_type__model="town").order_by("time", "id")
    )
    assert [r.action for r in records] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
    create, update, delete = records
    assert all(r.user == admin and r.source == ChangeSource.CLI for r in records)
    assert create.before is None and create.after["name"] == "朔方路街道"
    assert update.changed == ["name"]
    assert update.before["name"] == "朔方路街道" and update.after["name"] == "朔方路街道办"
    assert delete.before["name"] == "朔方路街道办" and delete.after is None


def test_a_save_that_changes_nothing_is_not_recorded(world: World) -> None:
    before = ChangeRecord.objects.count()
    world.school_a.save()
    assert ChangeRecord.objects.count() == before


def test_changes_without_an_actor_are_system(world: World) -> None:
    record = ChangeRecord.objects.for_object(world.school_a).get(action=AuditAction.CREATE)
    assert record.user is None and record.user_repr == "system" and record.source == ChangeSource.SYSTEM


def test_password_hash_is_never_logged(world: World) -> None:
    user = world.users["clerk_a"]
    user.set_password("Another-Secret-2025")
    user.save()
    record = ChangeRecord.objects.for_object(user).filter(action=AuditAction.UPDATE).latest("time")
    assert record.changed == ["password"]
    assert record.before["password"].startswith("******") and record.after["password"].startswith("******")
    assert record.before["password"] != record.after["password"]
    assert user.password not in str(record.before) + str(record.after)


def test_web_edit_is_attributed_to_the_signed_in_user(client_for, world: World) -> None:
    client_for("principal_a").post(
        reverse("core:school-edit", args=[world.school_a.pk]),
        {"short_name": "一小", "address": "新地址", "phone": "", "principal_name": ""},
    )
    record = ChangeRecord.objects.for_object(world.school_a).latest("time")
    assert record.user == world.users["principal_a"]
    assert record.source == ChangeSource.WEB
    assert set(record.changed) == {"short_name", "address"}


def test_bulk_create_leaves_one_record_per_row(world: World) -> None:
    section = world.school_a.sections.get()
    rows = [
        SchoolClass(academic_year=world.year, section=section, grade=Grade.P1, number=n, student_count=40)
        for n in range(1, 6)
    ]
    with acting_as(world.users["admin"], ChangeSource.SYSTEM):
        created = bulk_create_audited(SchoolClass, rows)
    ids = {str(c.pk) for c in created}
    logged = set(
        ChangeRecord.objects.filter(content_type__model="schoolclass").values_list("object_id", flat=True)
    )
    assert logged == ids


@pytest.mark.parametrize(
    ("persona", "status"), [("admin", 200), ("leader", 200), ("principal_a", 200), ("principal_b", 404)]
)
def test_history_page_follows_object_visibility(client_for, world: World, persona: str, status: int) -> None:
    response = client_for(persona).get(reverse("core:school-history", args=[world.school_a.pk]))
    assert response.status_code == status
    if status == 200:
        assert response.context["total"] == ChangeRecord.objects.for_object(world.school_a).count() > 0


def test_user_accounts_are_visible_only_to_admins_and_themselves(world: World) -> None:
    assert set(User.objects.restrict(world.users["principal_a"], "view")) == {world.users["principal_a"]}
    assert User.objects.restrict(world.users["admin"], "view").count() == len(world.users)
    assert not School.objects.restrict(None, "view").exists()
