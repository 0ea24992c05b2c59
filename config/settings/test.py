"""Tests run against the real PostgreSQL and Redis of the machine."""

import os
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rapport")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, REST_FRAMEWORK

DEBUG = False
SECRET_KEY = "test-only-not-a-secret-rapport-test-key-000000000000000000000"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = f"rapport-test-{os.getpid()}"
# The suite's clients call the API many times a minute from one address: rates no test reaches
# (tests/api/test_throttling.py sets low ones to see the 429).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "token": "100000/min"},
}
RAPPORT_STAFF_MFA_REQUIRED = True
CELERY_TASK_ALWAYS_EAGER = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
