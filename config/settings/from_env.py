"""Pick the settings module from DJANGO_ENV: production, test, or local (the default)."""

import os

_env = os.environ.get("DJANGO_ENV", "local").strip().lower()

if _env == "production":
    from config.settings.production import *  # noqa: F403
elif _env == "test":
    from config.settings.test import *  # noqa: F403
else:
    from config.settings.local import *  # noqa: F403
