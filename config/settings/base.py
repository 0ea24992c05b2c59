"""Settings shared by every environment. Values come from the environment (django-environ).

With nothing set the app runs on an embedded default: SQLite under var/, a Celery broker on the
filesystem under var/, e-mails written to var/mail/. DATABASE_URL, REDIS_URL and EMAIL_URL switch
to the real services.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from common.database import sqlite_options

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("RAPPORT_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# --- Core -------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Third party
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    # Rapport
    "accounts",
    "projects",
    "discussions",
    "stakeholders",
    "risks",
    "feedback",
    "reports",
    "notifications",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.ViewAsClientMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "notifications.context_processors.unread_notifications",
                "portal.context_processors.portal_waiting",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

# An empty DATABASE_URL counts as unset.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'rapport.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection that broke (database restart) is noticed and replaced on the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# SQLite (the embedded default) serves the web process, the worker and beat at once: WAL mode,
# IMMEDIATE transactions, and a write that finds the database locked waits this long before it
# fails (common/database.py).
SQLITE_BUSY_TIMEOUT_SECONDS = env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **sqlite_options(busy_timeout_seconds=SQLITE_BUSY_TIMEOUT_SECONDS),
    }

# --- Cache and broker -------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="rapport"),
        }
    }
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # Embedded default: shared between the web process and the worker through files.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # The exchange bindings: under var/ too (kombu's default is ./control).
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # How often the worker looks for new task files, in seconds.
        "polling_interval": env.float("CELERY_BROKER_POLLING_SECONDS", default=0.2),
    }

# --- Celery -----------------------------------------------------------------------------------

CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Every two minutes: re-enqueue outbox messages whose task was lost (broker restart, crash).
    "outbox-flush": {
        "task": "notifications.tasks.outbox_flush_task",
        "schedule": timedelta(minutes=2),
    },
    # Hourly at minute 5: deliverables past their deemed-acceptance day count as accepted.
    "deemed-acceptance": {
        "task": "projects.tasks.deemed_acceptance_task",
        "schedule": crontab(minute=5),
    },
    # Daily at 08:00 UTC: remind client admins and customer representatives of deliverables
    # that count as accepted within two business days (once per round, person and day).
    "deemed-acceptance-reminders": {
        "task": "projects.tasks.deemed_acceptance_reminders_task",
        "schedule": crontab(hour=8, minute=0),
    },
    # Every 15 minutes: the daily digest e-mail of each person at 07:00 in their time zone.
    "notifications-digest": {
        "task": "notifications.tasks.digests_send_task",
        "schedule": crontab(minute="*/15"),
    },
    # Hourly at minute 10: tell the PM and the AM of escalating risk assessments not yet told
    # (the services tell them at once; this catches up, and tells nobody twice).
    "risk-escalations": {
        "task": "risks.tasks.risk_escalations_task",
        "schedule": crontab(minute=10),
    },
    # Hourly at minute 0: each risk or action owner's daily reminder of reviews and mitigation
    # actions due or overdue, once per local day, from 08:00 in the owner's time zone.
    "risk-reminders": {
        "task": "risks.tasks.risk_reminders_task",
        "schedule": crontab(minute=0),
    },
    # Every minute: status reports of the schedules that are due (each at its hour in the
    # client's time zone), frozen with their deliveries in one transaction. Finding none is
    # one indexed query, so a report goes out within a minute or two of its hour.
    "reports-dispatch": {
        "task": "reports.tasks.reports_dispatch_task",
        "schedule": crontab(minute="*"),
    },
    # Every two minutes: report deliveries whose worker died while sending or whose task was
    # lost (a broker restart), queued again.
    "reports-sweep": {
        "task": "reports.tasks.report_deliveries_sweep_task",
        "schedule": timedelta(minutes=2),
    },
    # Daily at 03:30 UTC: drop in-app notifications read more than 180 days ago.
    "notifications-prune": {
        "task": "notifications.tasks.notifications_prune_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every 15 minutes: surveys — start due periodic campaigns, send the invitations of campaigns
    # whose window opened, send due reminders, close campaigns whose window ended.
    "survey-campaigns": {
        "task": "feedback.surveys.tasks.survey_campaigns_tick_task",
        "schedule": crontab(minute="*/15"),
    },
    # Every 10 minutes: flag complaints past their SLA and escalate each breach once.
    "feedback-ticket-sla-escalation": {
        "task": "feedback.tickets.tasks.ticket_sla_escalation_task",
        "schedule": timedelta(minutes=10),
    },
    # Hourly at minute 20: remind account managers of interaction next steps due today in their
    # time zone (once per interaction).
    "feedback-interaction-reminders": {
        "task": "feedback.tickets.tasks.interaction_reminders_task",
        "schedule": crontab(minute=20),
    },
    # Daily at 07:30 UTC: remind client people of what has waited longer than their project's
    # client response time (once per item and person).
    "portal-decision-reminders": {
        "task": "portal.tasks.decision_reminders_task",
        "schedule": crontab(hour=7, minute=30),
    },
}

# --- E-mail -----------------------------------------------------------------------------------

EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rapport <rapport@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 30
# How often the outbox tries a message before it is marked failed for a staff admin to resend.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# The first retry of a refused message waits about this long; each further one twice as long,
# up to an hour.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
# A sender's claim on a message: another sender takes it over only after this long (its sender
# died), longer than a task may run.
OUTBOX_CLAIM_STALE_SECONDS = env.int("OUTBOX_CLAIM_STALE_SECONDS", default=360)
# A send the SMTP server accepted but the database did not record yet: recorded again after this
# many seconds (without sending again).
SEND_RECORD_RETRY_SECONDS = env.int("SEND_RECORD_RETRY_SECONDS", default=5)
# Status reports: tries before a delivery fails, how long a "sending" claim lasts before the
# sweeper takes it back (longer than a task may run), and how late a queued delivery may be.
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=6)
REPORTS_SENDING_STALE_SECONDS = env.int("REPORTS_SENDING_STALE_SECONDS", default=360)
REPORTS_SWEEP_GRACE_SECONDS = env.int("REPORTS_SWEEP_GRACE_SECONDS", default=120)
# While tasks wait in the broker, a queued delivery counts as lost only after this long.
REPORTS_SWEEP_BACKLOG_GRACE_SECONDS = env.int("REPORTS_SWEEP_BACKLOG_GRACE_SECONDS", default=1800)

# --- Authentication ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Locked after 5 failed logins per e-mail address and client address (see AccountAdapter), and
# after 20 failures from one address whatever the e-mail, for 15 minutes.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/15m/ip,5/15m/key"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Rapport] "

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Rapport"
# Every provider-side user (PM, AM, team member, staff admin) must enrol a second factor.
RAPPORT_STAFF_MFA_REQUIRED = env.bool("RAPPORT_STAFF_MFA_REQUIRED", default=True)

# Resource view: planned hours per person and week above this are over-allocation.
RAPPORT_WEEKLY_CAPACITY_HOURS = env.int("RAPPORT_WEEKLY_CAPACITY_HOURS", default=40)
# Surveys: a person is not surveyed again within this many days, whatever the campaign; a
# survey link stops working this many days after it was e-mailed.
RAPPORT_SURVEY_QUIET_DAYS = env.int("RAPPORT_SURVEY_QUIET_DAYS", default=30)
RAPPORT_SURVEY_LINK_MAX_AGE_DAYS = env.int("RAPPORT_SURVEY_LINK_MAX_AGE_DAYS", default=60)
# Complaint SLAs count business time of the provider (its organisation's time zone): the working
# hours of a day and the working days (ISO numbers, Monday = 1), see feedback/tickets/sla.py.
RAPPORT_SLA_BUSINESS_HOURS = env.str("RAPPORT_SLA_BUSINESS_HOURS", default="09:00-18:00")
RAPPORT_SLA_WORKING_DAYS = env.str("RAPPORT_SLA_WORKING_DAYS", default="1-5")

# Invitations: a signed link that works once and expires.
INVITATION_MAX_AGE = timedelta(days=env.int("INVITATION_MAX_AGE_DAYS", default=7))

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Project documents live outside MEDIA_ROOT and have no URL: they are only ever served by the
# permission-checked download views (projects.storage.DocumentStorage).
DOCUMENTS_ROOT = env.str("DOCUMENTS_ROOT", default=str(VAR_DIR / "documents"))
# The largest file a person may upload (a document or a version of one).
RAPPORT_MAX_UPLOAD_BYTES = env.int("RAPPORT_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
# The fonts PDFs embed, built from the system's Noto Sans CJK by scripts/build_pdf_fonts.py
# (`make fonts`); without them PDFs fall back to the system font, larger and slower (common/pdf.py).
PDF_FONT_DIR = env.str("PDF_FONT_DIR", default=str(BASE_DIR / "build" / "fonts"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers -------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Bootstrap, Chart.js and frappe-gantt set element styles from script.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- REST API ---------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_permissions.IsAuthenticatedWithSecondFactor"],
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "1200/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rapport API",
    "DESCRIPTION": "Client-facing project management. Every list is scoped to what you may see.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page obey the API's default rule (signed in, second factor).
    "SERVE_PERMISSIONS": ["accounts.api_permissions.IsAuthenticatedWithSecondFactor"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # What a response holds depends on who asks (a client gets fewer fields than the team), so
    # read-only fields are documented as present when they apply, not as always required.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "ENUM_NAME_OVERRIDES": {
        "MilestoneStatusEnum": "projects.models.Milestone.Status",
        "DeliverableStatusEnum": "projects.models.Deliverable.Status",
        "ObjectiveStatusEnum": "projects.models.Objective.Status",
        "PhaseEnum": "projects.models.Phase",
        "HealthStatusEnum": "projects.models.HealthStatus",
        "TaskStatusEnum": "projects.models.Task.Status",
        "TaskDependencyKindEnum": "projects.models.TaskDependency.Kind",
        "RequirementStatusEnum": "stakeholders.models.Requirement.Status",
        "ChangeRequestStatusEnum": "stakeholders.models.ChangeRequest.Status",
        "ChangeRequestSideEnum": "stakeholders.models.ChangeRequest.Side",
        "VisibilityEnum": "projects.models.Visibility",
        "NotificationChannelEnum": "notifications.models.Channel",
        "DiscussionEntryKindEnum": "discussions.models.Entry.Kind",
        "RiskCategoryEnum": "risks.models.Category",
        "CostEntryCategoryEnum": "projects.models.costs.CostEntry.Category",
        # Risk levels and ticket severities share their values: one enum, low to critical.
        "LevelEnum": "risks.models.Level",
        "RiskStrategyEnum": "risks.models.Strategy",
        "RiskStatusEnum": "risks.models.Risk.Status",
        "RiskIssueStatusEnum": "risks.models.Issue.Status",
        "SurveyQuestionKindEnum": "feedback.models.QuestionKind",
        "SurveyCampaignTriggerEnum": "feedback.models.CampaignTrigger",
        "ReportTriggerEnum": "reports.models.Report.Trigger",
        "FeedbackTicketStatusEnum": "feedback.models.TicketStatus",
        "FeedbackTicketKindEnum": "feedback.models.TicketKind",
        "InteractionKindEnum": "feedback.models.Interaction.Kind",
        "OpportunityStageEnum": "feedback.models.Opportunity.Stage",
    },
}

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each step of every PDF at INFO; its warnings (a font, an image) still show.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
