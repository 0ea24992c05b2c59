"""Settings shared by every environment. Values come from the environment (django-environ).

With nothing set the app runs on an embedded default: SQLite under var/, a Celery broker on the
filesystem under var/, e-mails written to var/mail/. DATABASE_URL, REDIS_URL and EMAIL_URL switch
to the real services.

The cache and Celery (config/settings/celery.py), e-mail (email.py), signing in and security
headers (security.py) and the API (api.py) have their own modules, imported here.
"""

from django.utils.translation import gettext_lazy as _

from common.database import sqlite_options
from config.settings.api import *  # noqa: F403
from config.settings.celery import *  # noqa: F403
from config.settings.email import *  # noqa: F403
from config.settings.environment import BASE_DIR, VAR_DIR, env
from config.settings.security import *  # noqa: F403

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
    "common",  # its template tags (formatting)
    "accounts",
    "projects",
    "discussions",
    "stakeholders",
    "risks",
    "feedback",
    "reports",
    "closeout",
    "notifications",
    "lessons",
    "scorecards",
    "portal",
    "operations",
    "integrations",
    "demo",
]

MIDDLEWARE = [
    # First: every log line written while a request runs carries its id (common/logging.py).
    "common.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body or the database: 413 and 503 answers (JSON under /api/).
    "common.http_errors.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # django-csp's, with the policy built once per process (common/csp.py).
    "common.csp.CSPMiddleware",
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
    # An API query parameter or body property the schema does not declare: 400 naming it.
    "common.api_strict.StrictApiInputMiddleware",
    # A write to a closed project's page or API operation: 409 before the view runs.
    "projects.closure.ClosedProjectMiddleware",
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
            # `{% url %}` with its addresses kept (common/templatetags/cached_urls.py).
            "builtins": ["common.templatetags.cached_urls"],
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The statements common.compiled prepares keep one plan for any values, made at their first
    # run: PostgreSQL would plan the larger ones again at every run. Only prepared statements
    # (and PL/pgSQL's) follow this setting; every other query is planned when it runs.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(
        filter(None, [options.get("options"), "-c plan_cache_mode=force_generic_plan"])
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **sqlite_options(busy_timeout_seconds=SQLITE_BUSY_TIMEOUT_SECONDS),
    }


# --- Product rules ----------------------------------------------------------------------------

# Surveys: a person is not surveyed again within this many days, whatever the campaign; a
# survey link stops working this many days after it was e-mailed.
RAPPORT_SURVEY_QUIET_DAYS = env.int("RAPPORT_SURVEY_QUIET_DAYS", default=30)
RAPPORT_SURVEY_LINK_MAX_AGE_DAYS = env.int("RAPPORT_SURVEY_LINK_MAX_AGE_DAYS", default=60)
# A detractor's follow-up is closed in time within this many days of the response (the account
# manager's scorecard).
RAPPORT_FOLLOW_UP_DAYS = env.int("RAPPORT_FOLLOW_UP_DAYS", default=5)
# Complaint SLAs count business time of the provider (its organisation's time zone): the working
# hours of a day and the working days (ISO numbers, Monday = 1), see feedback/tickets/sla.py.
RAPPORT_SLA_BUSINESS_HOURS = env.str("RAPPORT_SLA_BUSINESS_HOURS", default="09:00-18:00")
RAPPORT_SLA_WORKING_DAYS = env.str("RAPPORT_SLA_WORKING_DAYS", default="1-5")


# --- Internationalisation ---------------------------------------------------------------------

# --- Webhooks (integrations.webhooks) ------------------------------------------------------------
# Endpoints on private, loopback or link-local addresses are refused (at registration and again
# at each delivery, against DNS rebinding) unless this allows them, as on a closed network.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)
# Plain http:// endpoints (the payload travels unencrypted): off unless allowed.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Seconds before each retry; a delivery fails after its first attempt and these retries.
WEBHOOK_RETRY_SECONDS = env.list(
    "WEBHOOK_RETRY_SECONDS", cast=int, default=[60, 300, 1800, 7200, 21600, 43200, 86400]
)
# An endpoint is disabled (and its owner told) after this many failed attempts in a row.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=20)
# A rotated secret still signs deliveries (beside the new one) for this long.
WEBHOOK_SECRET_OVERLAP_HOURS = env.int("WEBHOOK_SECRET_OVERLAP_HOURS", default=24)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One date and time style per language (config/formats/<locale>/formats.py): "Jan 27, 2027,
# 5:42 PM" and "2027年1月27日 17:42". Numbers, money and durations: common/formatting.py.
FORMAT_MODULE_PATH = ["config.formats"]

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
