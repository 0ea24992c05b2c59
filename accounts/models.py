from __future__ import annotations

import functools
import re
import secrets
import zoneinfo
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cached_property

import rules
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SIMPLIFIED_CHINESE = "zh-hans", _("Simplified Chinese")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known time zone (use an IANA name such as Asia/Shanghai)."),
            params={"value": value},
        )


class Organization(models.Model):
    """The provider (the delivery company running Rapport) or one of its clients."""

    class Kind(models.TextChoices):
        PROVIDER = "provider", _("Provider")
        CLIENT = "client", _("Client")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CLIENT)
    language = models.CharField(
        _("default language"),
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("Used for e-mails to people of this organisation who have no account yet."),
    )
    time_zone = models.CharField(
        _("default time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="provider"),
                name="organization_single_provider",
            ),
            # Target of the composite key that copies the kind onto its users (User.side).
            models.UniqueConstraint(fields=["id", "kind"], name="organization_id_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_client(self) -> bool:
        return self.kind == self.Kind.CLIENT


class UserQuerySet(models.QuerySet["User"]):
    def select_for_update(
        self,
        nowait: bool = False,
        skip_locked: bool = False,
        of: Sequence[str] = ("self",),
        no_key: bool = False,
    ) -> UserQuerySet:
        # The organisation is joined by default (below); lock only the user's row, which
        # PostgreSQL requires for the nullable side of the outer join.
        return super().select_for_update(
            nowait=nowait, skip_locked=skip_locked, of=of, no_key=no_key
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = False

    def get_queryset(self) -> models.QuerySet[User]:
        # Nearly every request asks which side the user is on: fetch the organisation with them.
        return UserQuerySet(self.model, using=self._db).select_related("organization")

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if "organization" not in extra and "organization_id" not in extra:
            extra["organization"] = Organization.objects.filter(
                kind=Organization.Kind.PROVIDER
            ).first()
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is the login.

    A client user belongs to exactly one client organisation; provider people belong to the
    provider (or to none, for an operator created from the command line). `is_staff` marks a
    staff admin: a provider-side administrator of the whole installation.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    # A copy of the organisation's kind ("provider" without an organisation), kept equal to it by
    # a composite foreign key on PostgreSQL (migration 0002); memberships check it.
    side = models.CharField(
        _("side"),
        max_length=16,
        choices=Organization.Kind.choices,
        default=Organization.Kind.PROVIDER,
        editable=False,
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff admin"),
        default=False,
        help_text=_("Administers the whole installation (provider side only)."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            # Target of the composite key that ties a membership to its member's organisation.
            models.UniqueConstraint(fields=["id", "organization"], name="user_id_organization"),
            models.UniqueConstraint(fields=["id", "side"], name="user_id_side"),
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(side="provider"),
                name="user_without_organization_is_provider",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        organization = self.organization if self.organization_id is not None else None
        is_client = organization is not None and organization.is_client
        if self.is_staff and is_client:
            raise ValidationError({"is_staff": _("A client user cannot be a staff admin.")})

    def save(self, *args: object, **kwargs: object) -> None:
        # Denormalised for the membership constraints; the database checks it on PostgreSQL.
        organization = self.organization if self.organization_id else None
        self.side = organization.kind if organization else Organization.Kind.PROVIDER
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """Rapport's own permissions (the rules of projects.permissions and friends) are decided
        by their predicates for everyone, superusers included: a superuser is not a client and
        must not confirm, accept or approve on the client's behalf. Django's model permissions
        (the admin) keep the usual superuser shortcut."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def is_client_user(self) -> bool:
        return self.side == Organization.Kind.CLIENT

    @property
    def is_provider_user(self) -> bool:
        return not self.is_client_user

    @property
    def is_staff_admin(self) -> bool:
        return self.is_active and self.is_staff and self.is_provider_user

    @cached_property
    def project_roles(self) -> ProjectRoles:
        """{project id: role} of this user's memberships, read once per request, with each
        project's client (`clients`). The person of a session comes with them already
        (accounts.backends) as text, parsed here the first time they are asked for: a request
        that never asks (a probe, a static file) does not parse a person's hundred roles."""
        text = self.__dict__.pop("_roles_text", _UNREAD)
        if text is not _UNREAD:
            return self.roles_from_text(text)
        rows = self.memberships.order_by().values_list("project_id", "role", "project_client_id")
        return ProjectRoles.of(rows)

    @staticmethod
    def roles_from_text(text: str | None) -> ProjectRoles:
        """The roles accounts.backends reads with the person: "project:role:client", joined
        by commas (None for no membership)."""
        rows = []
        for part in (text or "").split(","):
            if part:
                project_id, role, client_id = part.split(":")
                rows.append((int(project_id), role, int(client_id)))
        return ProjectRoles.of(rows)


class ProjectRoles(dict[int, str]):
    """A person's {project id: role} (User.project_roles), with `clients`, {project id: its
    client's id}, read with them. A role added to the dict afterwards has no client there."""

    clients: dict[int, int]

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str, int]]) -> ProjectRoles:
        """From (project id, role, client id) rows."""
        rows = list(rows)
        roles = cls((project_id, role) for project_id, role, _ in rows)
        roles.clients = {project_id: client_id for project_id, _, client_id in rows}
        return roles


# project_roles' "no text was read with the person" (None is "no membership").
_UNREAD = object()


def _new_nonce() -> str:
    # Referenced by migration 0001 (invitations, now projects.Invitation, began here).
    return secrets.token_urlsafe(24)


def validate_colour(value: str) -> None:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value or ""):
        raise ValidationError(
            _("%(value)s is not a colour: write it as # and six hexadecimal digits (#1f4e79)."),
            params={"value": value},
        )


class Branding(models.Model):
    """How the provider's documents look to clients: its logo and colours, set by a staff admin
    (accounts.branding). One row, the provider's; without it the defaults apply."""

    DEFAULT_PRIMARY = "#1f4e79"
    DEFAULT_ACCENT = "#2b7bb9"

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="branding",
        limit_choices_to={"kind": Organization.Kind.PROVIDER},
        verbose_name=_("organisation"),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=DEFAULT_PRIMARY,
        validators=[validate_colour],
        help_text=_("Headings and the band at the top of reports; white text is set on it."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=DEFAULT_ACCENT,
        validators=[validate_colour],
        help_text=_("Progress bars and the milestone timeline."),
    )
    # The logo as a PNG made from the upload (at most 600 by 160 pixels, no metadata), and the
    # first 16 hex digits of its SHA-256, which names it in its public URL.
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_digest = models.CharField(_("logo digest"), max_length=16, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")

    def __str__(self) -> str:
        return str(self.organization)


# --- Working calendars ---------------------------------------------------------------------------
# An organisation's working days (accounts.calendars turns them into a common.workdays
# WorkCalendar): its weekdays and hours, its country's public holidays (the `holidays` package)
# and its own days, which win over the country's.

ISO_WEEKDAYS_RE = re.compile(r"^(?!.*(.).*\1)[1-7]{1,7}$")  # distinct digits, Monday = 1


@functools.cache
def holiday_country_codes() -> tuple[str, ...]:
    """The ISO 3166 alpha-2 codes the `holidays` package knows (its aliases, such as UK, left
    out)."""
    import holidays
    from babel import Locale

    territories = Locale("en").territories
    return tuple(
        sorted(
            code
            for code in holidays.list_supported_countries()
            if len(code) == 2 and code in territories
        )
    )


def holiday_country_choices() -> list[tuple[str, str]]:
    """(code, name in the active language) for every country the `holidays` package knows."""
    from common.formatting import babel_locale

    names = babel_locale().territories
    return sorted(
        ((code, names.get(code, code)) for code in holiday_country_codes()),
        key=lambda choice: choice[1],
    )


def validate_iso_weekdays(value: str) -> None:
    if not ISO_WEEKDAYS_RE.match(value):
        raise ValidationError(
            _("Give the working weekdays as distinct digits from 1 (Monday) to 7 (Sunday)."),
        )


class WorkingCalendar(models.Model):
    """An organisation's working calendar: working weekdays, hours of a working day, the country
    (and region) whose public holidays it keeps, and its own days (`CalendarDay`)."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="working_calendar",
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        choices=holiday_country_choices,
        help_text=_("Its public holidays count as days off. Leave empty for none."),
    )
    subdivision = models.CharField(
        _("region"),
        max_length=32,
        blank=True,
        help_text=_("A state or province code whose own holidays also count, such as BE (Berlin)."),
    )
    working_weekdays = models.CharField(
        _("working weekdays"),
        max_length=7,
        default="12345",
        validators=[validate_iso_weekdays],
        help_text=_("Digits from 1 (Monday) to 7 (Sunday), such as 12345."),
    )
    hours_per_day = models.DecimalField(
        _("hours per working day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(8),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal(24))],
    )

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self) -> None:
        super().clean()
        if self.subdivision and not self.country:
            raise ValidationError({"subdivision": _("A region needs a country.")})
        if self.subdivision:
            import holidays

            known = holidays.list_supported_countries().get(self.country, [])
            if self.subdivision not in known:
                raise ValidationError(
                    {
                        "subdivision": ValidationError(
                            _("%(value)s is not a region of this country."),
                            params={"value": self.subdivision},
                        )
                    }
                )


class CalendarDay(models.Model):
    """One of the organisation's own days: a holiday (a day off) or a working day on a day that
    would be off (a make-up working day). It wins over the country's public holidays."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKING_DAY = "working_day", _("Working day")

    calendar = models.ForeignKey(
        WorkingCalendar,
        verbose_name=_("working calendar"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.HOLIDAY)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"


# --- A person's own calendar ---------------------------------------------------------------------
# A provider person's calendar is their organisation's (its public holidays, its own days and its
# make-up working days) with their own working pattern (`PersonalCalendar`, for part-time) and
# their leave (`Leave`) as days off (accounts.calendars.calendar_for_user). Staff-only: neither is
# ever shown to a client.


class PersonalCalendar(models.Model):
    """A person's own working pattern, for part-time: the weekdays they work and the hours of
    their working day. An empty value keeps the organisation's (its weekdays, its hours); a person
    without a row works exactly the organisation's calendar. Public holidays, the organisation's
    own days and make-up working days apply to them as to everyone."""

    user = models.OneToOneField(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="personal_calendar",
    )
    working_weekdays = models.CharField(
        _("working weekdays"),
        max_length=7,
        blank=True,
        validators=[validate_iso_weekdays],
        help_text=_("Leave empty to work the organisation's weekdays."),
    )
    hours_per_day = models.DecimalField(
        _("hours per working day"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal(24))],
        help_text=_("Leave empty to work the organisation's hours."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("personal calendar")
        verbose_name_plural = _("personal calendars")

    def __str__(self) -> str:
        return str(self.user)


class Leave(models.Model):
    """A person's leave: every day from `start` to `end` (both included) is off for them, whatever
    their organisation's calendar says. A person's periods of leave do not overlap
    (accounts.calendars.leave_add refuses it). The note is for the person; the resource view
    shows PMs and staff admins the dates and the kind only."""

    class Kind(models.TextChoices):
        VACATION = "vacation", _("Vacation")
        SICK = "sick", _("Sick leave")
        OTHER = "other", _("Other leave")

    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="leaves",
        db_index=False,  # leave_user_end below starts with it
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VACATION)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["user", "end"], name="leave_user_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="leave_end_not_before_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.start.isoformat()}–{self.end.isoformat()}"


class CalendarFeed(models.Model):
    """A person's secret calendar address (integrations.calendar): calendar apps poll it with no
    login, so the address is the credential. Only its SHA-256 is kept; it is shown once, when
    made, and replacing or revoking it ends the old one at once (a new password revokes it)."""

    user = models.OneToOneField(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_read_at = models.DateTimeField(_("last read"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
