"""The organisation model: who runs which schools where, who may see what, and what changed.

Every model here is audited (see :mod:`tisheng.core.audit`) and restricted (see
:mod:`tisheng.core.permissions`): read it through ``Model.objects.restrict(user, action)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisheng.core.choices import (
    DEFAULT_STAGES,
    Affiliation,
    AuditAction,
    ChangeSource,
    DepartmentKind,
    GroupKind,
    MembershipRole,
    Ownership,
    Role,
    SchoolType,
    Stage,
    TownKind,
    UrbanRural,
)
from tisheng.core.permissions import (
    ALL,
    CHANGE,
    READ,
    VIEW,
    Grant,
    RestrictedManager,
    RestrictedQuerySet,
    own,
)

#: Directory data (schools, towns, groups) is visible to every signed-in role; school users see only
#: their own school's rows where the model says so through ``scope_paths``.
DISTRICT_READ: dict[str, Grant] = {
    Role.ADMIN: ALL,
    Role.INSPECTOR: READ,
    Role.LEADER: READ,
    Role.DEPARTMENT: READ,
}


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditedModel(TimeStampedModel):
    """Base of every model whose changes are recorded in the audit trail."""

    objects = RestrictedManager()
    audited: ClassVar[bool] = True  # CoreConfig.ready() connects the audit signals of every audited model

    class Meta:
        abstract = True

    def history(self) -> models.QuerySet[ChangeRecord]:
        return ChangeRecord.objects.for_object(self)


class District(AuditedModel):
    """A county-level district (区/县), the unit that runs the plan: 银川市西夏区."""

    code = models.CharField(
        _("administrative division code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("A division code has 6 digits."))],
    )
    name = models.CharField(_("name"), max_length=50)
    city = models.CharField(_("city"), max_length=50)
    province = models.CharField(_("province"), max_length=50)

    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: READ, Role.CLERK: READ}

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return f"{self.city}{self.name}"


class Town(AuditedModel):
    """A town or sub-district (镇/街道) of the district."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="towns", verbose_name=_("district")
    )
    code = models.CharField(
        _("town code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{9}(\d{3})?$", _("A town code has 9 or 12 digits."))],
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=TownKind.choices)
    urban_rural = models.CharField(_("urban or rural"), max_length=20, choices=UrbanRural.choices)

    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: READ, Role.CLERK: READ}

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="town_unique_name_in_district",
                violation_error_message=_("The district already has a town of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:town", args=[self.pk])


class SchoolQuerySet(RestrictedQuerySet):
    def open_on(self, day: dt.date) -> SchoolQuerySet:
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )


class SchoolManager(models.Manager.from_queryset(SchoolQuerySet)):  # type: ignore[misc]
    pass


class School(AuditedModel):
    """A school or kindergarten (学校/幼儿园) identified by its national 学校标识码."""

    code = models.CharField(
        _("school identification code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d{10}$", _("A school identification code has 10 digits."))],
        help_text=_("The 10-digit national school identification code."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    school_type = models.CharField(_("school type"), max_length=30, choices=SchoolType.choices)
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices)
    is_puhui = models.BooleanField(
        _("inclusive (普惠) kindergarten"),
        null=True,
        blank=True,
        help_text=_("Only for kindergartens: whether it is recognised as inclusive (普惠性)."),
    )
    affiliation = models.CharField(_("run by"), max_length=20, choices=Affiliation.choices)
    urban_rural = models.CharField(_("urban or rural"), max_length=20, choices=UrbanRural.choices)
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="schools", verbose_name=_("town"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(73), MaxValueValidator(136)],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(54)],
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    principal_name = models.CharField(_("principal"), max_length=30, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = SchoolManager()
    access: ClassVar[dict[str, Grant]] = {
        **DISTRICT_READ,
        Role.PRINCIPAL: own(VIEW, CHANGE),
        Role.CLERK: own(VIEW),
    }
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "pk"}
    #: Fields a principal may edit on the own school's profile; the rest is the district's register.
    PRINCIPAL_EDITABLE: ClassVar[tuple[str, ...]] = ("short_name", "address", "phone", "principal_name")

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school_type=SchoolType.KINDERGARTEN) | Q(is_puhui__isnull=True),
                name="school_puhui_only_for_kindergartens",
                violation_error_message=_("Only a kindergarten can be marked inclusive (普惠)."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gt=models.F("opened_on")),
                name="school_closes_after_opening",
                violation_error_message=_("A school must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="school_coordinates_complete",
                violation_error_message=_("Give both longitude and latitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:school", args=[self.pk])

    def clean(self) -> None:
        if (
            self.school_type == SchoolType.KINDERGARTEN
            and self.is_puhui is None
            and self.ownership == Ownership.PUBLIC
        ):
            # 公办园 are 普惠 by definition (教育部 普惠性幼儿园 口径: 公办园 + 普惠性民办园).
            self.is_puhui = True

    def create_default_sections(self) -> list[SchoolSection]:
        """Create the stage sections a school of this type has (idempotent)."""
        return [
            SchoolSection.objects.get_or_create(school=self, stage=stage)[0]
            for stage in DEFAULT_STAGES[SchoolType(self.school_type)]
        ]

    def current_groups(self, on: dt.date | None = None) -> models.QuerySet[GroupMembership]:
        return self.memberships.active_on(on or timezone.localdate()).select_related("group")


class SchoolSection(AuditedModel):
    """A stage section (学段/学部) of a school: a 九年一贯制 school has a 小学 and an 初中 section, each
    with its own students, classes and resources."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="sections", verbose_name=_("school")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)

    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: own(VIEW), Role.CLERK: own(VIEW)}
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("stage section")
        verbose_name_plural = _("stage sections")
        ordering = ["school__code", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "stage"],
                name="section_one_per_stage",
                violation_error_message=_("The school already has a section for this stage."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school.name}（{self.get_stage_display()}）"


class SchoolGroup(AuditedModel):
    """A group of schools: a 学区, an 教育集团 or a 大学区 led by its 学区长学校. Which schools belong
    when is kept in dated memberships, so history survives mergers and regrouping."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="groups", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=GroupKind.choices)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: own(VIEW), Role.CLERK: own(VIEW)}
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "memberships__school"}
    scope_to_many: ClassVar[bool] = True

    class Meta:
        verbose_name = _("school group")
        verbose_name_plural = _("school groups")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="group_unique_name_in_district",
                violation_error_message=_("The district already has a group of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:group", args=[self.pk])

    def members_on(self, day: dt.date | None = None) -> models.QuerySet[GroupMembership]:
        return self.memberships.active_on(day or timezone.localdate()).select_related("school")

    def lead_school(self, day: dt.date | None = None) -> School | None:
        lead = self.members_on(day).filter(role=MembershipRole.LEAD).first()
        return lead.school if lead else None


class MembershipQuerySet(RestrictedQuerySet):
    def active_on(self, day: dt.date) -> MembershipQuerySet:
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class MembershipManager(models.Manager.from_queryset(MembershipQuerySet)):  # type: ignore[misc]
    pass


class GroupMembership(AuditedModel):
    """A school's membership of a group from ``valid_from`` up to (not including) ``valid_to``."""

    group = models.ForeignKey(
        SchoolGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("school")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Empty while still a member.")
    )

    objects = MembershipManager()
    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: own(VIEW), Role.CLERK: own(VIEW)}
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "-role", "valid_from", "school__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} ∈ {self.group}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """A school belongs to at most one group of a kind at a time, and a group has one lead school."""
        if not (self.group_id and self.school_id and self.valid_from):
            return
        end = self.valid_to or dt.date.max
        overlapping = (
            GroupMembership.objects.exclude(pk=self.pk)
            .filter(valid_from__lt=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from))
        )
        clash = (
            overlapping.filter(school_id=self.school_id, group__kind=self.group.kind)
            .select_related("group")
            .first()
        )
        if clash:
            raise ValidationError(
                _("%(school)s already belongs to %(group)s from %(start)s; end that membership first.")
                % {"school": self.school, "group": clash.group, "start": clash.valid_from}
            )
        if self.role == MembershipRole.LEAD:
            lead = (
                overlapping.filter(group_id=self.group_id, role=MembershipRole.LEAD)
                .select_related("school")
                .first()
            )
            if lead:
                raise ValidationError(
                    _("%(group)s already has a lead school (%(school)s) in this period.")
                    % {"group": self.group, "school": lead.school}
                )


class Department(AuditedModel):
    """A department (部门) the plan names as 牵头单位 or 责任/配合单位: 发改局, 财政局, 住建局 …"""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="departments", verbose_name=_("district")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    access: ClassVar[dict[str, Grant]] = {
        Role.ADMIN: ALL,
        Role.INSPECTOR: READ,
        Role.LEADER: READ,
        Role.DEPARTMENT: own(VIEW),
    }
    scope_paths: ClassVar[dict[str, str | None]] = {"department": "pk"}

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "short_name"],
                name="department_unique_short_name",
                violation_error_message=_("The district already has a department with this short name."),
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("core:department", args=[self.pk])


def census_day(start_year: int) -> dt.date:
    """统计时点: the national education statistics count on 9月1日 of the school year's first year."""
    return dt.date(start_year, 9, 1)


class AcademicYear(AuditedModel):
    """A school year (学年), counted at its 统计时点 (9月1日). ``2025`` is the 2025—2026 学年, whose
    figures the bureau publishes as its 2025 statistics. It carries the year's parameters that are not
    facts of a school: the local civil servants' average annual pay (当地公务员年平均工资收入), which the
    compulsory-school teachers' average pay must not fall below."""

    start_year = models.PositiveSmallIntegerField(
        _("start year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    census_date = models.DateField(_("census date"))
    is_current = models.BooleanField(_("current year"), default=False)
    civil_servant_salary = models.DecimalField(
        _("civil servants' average annual pay (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The local civil servants' average annual pay in this year, which the compulsory-school "
            "teachers' average pay must not fall below."
        ),
    )

    access: ClassVar[dict[str, Grant]] = {**DISTRICT_READ, Role.PRINCIPAL: READ, Role.CLERK: READ}

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_academic_year",
                violation_error_message=_("Only one academic year can be the current one."),
            ),
            models.CheckConstraint(
                condition=Q(civil_servant_salary__isnull=True) | Q(civil_servant_salary__gt=0),
                name="academic_year_civil_servant_salary_positive",
                violation_error_message=_("The civil servants' average annual pay must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(start)s–%(end)s school year") % {"start": self.start_year, "end": self.start_year + 1}

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.census_date is None:
            self.census_date = census_day(self.start_year)
        super().save(*args, **kwargs)


class RestrictedUserManager(UserManager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    """The usual user manager (create_user …) with ``restrict``."""


class User(AbstractUser):
    """A person who signs in: bureau staff, 督学, leaders, department staff, principals and clerks. The
    role says what they may do; the school or department says over which rows."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("school"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("department"),
    )

    objects = RestrictedUserManager()
    audited: ClassVar[bool] = True
    #: Administrators manage every account; everybody else sees only their own.
    access: ClassVar[dict[str, Grant]] = {
        Role.ADMIN: ALL,
        **{role: own(VIEW) for role in Role.values if role != Role.ADMIN},
    }
    scope_paths: ClassVar[dict[str, str | None]] = {"self": "pk"}

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["principal", "clerk"], school__isnull=False)
                | (~Q(role__in=["principal", "clerk"]) & Q(school__isnull=True)),
                name="user_school_iff_school_role",
                violation_error_message=_("Principals and clerks belong to a school; other roles do not."),
            ),
            models.CheckConstraint(
                condition=Q(role="department", department__isnull=False)
                | (~Q(role="department") & Q(department__isnull=True)),
                name="user_department_iff_department_role",
                violation_error_message=_("Department users belong to a department; other roles do not."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def scope_label(self) -> str:
        if self.school_id:
            return str(self.school)
        if self.department_id:
            return str(self.department)
        return _("Whole district")

    @property
    def is_read_only(self) -> bool:
        return self.role in (Role.LEADER, Role.INSPECTOR)


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A token with which a script calls the API as a user (``Authorization: Bearer …``). Only a hash
    of the key is stored; the key is shown once, when it is created."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=50)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at"]

    audited: ClassVar[bool] = True

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @classmethod
    def issue(cls, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
        key = "ts_" + secrets.token_urlsafe(32)
        expires = timezone.now() + dt.timedelta(days=days) if days else None
        token = cls.objects.create(
            user=user, name=name, prefix=key[:11], key_hash=_hash_key(key), expires_at=expires
        )
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        token = cls.objects.select_related("user").filter(key_hash=_hash_key(key)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.expires_at and token.expires_at <= now:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class LoginAttempt(models.Model):
    """One sign-in attempt, kept for throttling (锁定) and for the security log."""

    username = models.CharField(_("username"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["ip_address", "attempted_at"], name="login_attempt_ip_time")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.attempted_at:%Y-%m-%d %H:%M}"


class ChangeRecordQuerySet(models.QuerySet["ChangeRecord"]):
    def for_object(self, obj: models.Model) -> ChangeRecordQuerySet:
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=True),
            object_id=str(obj.pk),
        )


class ChangeRecord(models.Model):
    """One entry of the audit trail (变更记录): who changed which row when, with the values before and
    after. Written only by :mod:`tisheng.core.audit`; never edited."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes", verbose_name=_("user")
    )
    user_repr = models.CharField(_("by"), max_length=150)
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices)
    batch_id = models.PositiveBigIntegerField(_("import batch"), null=True, blank=True, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    changed = models.JSONField(_("changed fields"), default=list)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "time"], name="change_object_time")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def diff(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every changed field, in field order."""
        before, after = self.before or {}, self.after or {}
        return [(name, before.get(name), after.get(name)) for name in self.changed]


from tisheng.core.evidence import Evidence  # noqa: E402,F401
