"""The embedded default for a first run on a laptop: nothing to install but Python."""

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-only-not-a-secret-rapport-development-key-0000")
# The demo logins printed by `make run` work without an authenticator app; production and the
# tests always require a second factor for provider-side users.
RAPPORT_STAFF_MFA_REQUIRED = env.bool("RAPPORT_STAFF_MFA_REQUIRED", default=False)

for _sub in ("mail", "cache", "celery/queue", "celery/processed", "media"):
    (VAR_DIR / _sub).mkdir(parents=True, exist_ok=True)
