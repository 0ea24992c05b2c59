"""Signing in (django-allauth, second factors, sessions, invitations) and the security headers
every response carries."""

from datetime import timedelta

from config.settings.environment import env

# --- Authentication ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# Django's and django-allauth's backends, each reading a session's person with their project
# roles in one query (accounts.backends).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
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

# accounts.adapters.AccountAdapter with its e-mails sent through the outbox.
ACCOUNT_ADAPTER = "notifications.adapters.AccountAdapter"
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


# Invitations: a signed link that works once and expires.
INVITATION_MAX_AGE = timedelta(days=env.int("INVITATION_MAX_AGE_DAYS", default=7))

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Sessions are read from the cache and written through to the database: a request reads no
# session row (a cache that fails open falls back to the row).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.


# --- Security headers -------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Bootstrap and Chart.js set element styles from script.
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

# The proxies in front of the app that append to X-Forwarded-For: the client address (login limit,
# API throttling) is the one the outermost of them saw. 0: the address of the connection.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# The bearer token Prometheus sends to /metrics (`Authorization: Bearer <token>`); without one the
# endpoint answers 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
