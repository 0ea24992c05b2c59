"""Sending e-mail: the SMTP server (EMAIL_URL; without it, files under var/mail/), and how the
outbox and the status reports' deliveries retry."""

from config.settings.environment import VAR_DIR, env

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
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=16)
# The first retry of a refused message waits about this long; each further one twice as long,
# up to an hour.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
# A sender's claim on a message: another sender takes it over only after this long (its sender
# died), longer than a task may run.
OUTBOX_CLAIM_STALE_SECONDS = env.int("OUTBOX_CLAIM_STALE_SECONDS", default=75)
# The outbox flush (every 30 s) queues again a pending message whose task should have run this
# long ago (lost with the broker or a killed worker); while the broker holds a backlog of tasks
# (a large send), only after the second, longer grace.
OUTBOX_FLUSH_GRACE_SECONDS = env.int("OUTBOX_FLUSH_GRACE_SECONDS", default=45)
OUTBOX_FLUSH_BACKLOG_GRACE_SECONDS = env.int("OUTBOX_FLUSH_BACKLOG_GRACE_SECONDS", default=1800)
# A send the SMTP server accepted but the database did not record yet: recorded again after this
# many seconds (without sending again).
SEND_RECORD_RETRY_SECONDS = env.int("SEND_RECORD_RETRY_SECONDS", default=5)
# Status reports: tries before a delivery fails, how long a "sending" claim lasts before the
# sweeper takes it back (a worker renews its claims every 15 s while it sends, so only a dead
# worker's go stale), and how late a queued delivery may be.
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=16)
REPORTS_SENDING_STALE_SECONDS = env.int("REPORTS_SENDING_STALE_SECONDS", default=75)
REPORTS_SWEEP_GRACE_SECONDS = env.int("REPORTS_SWEEP_GRACE_SECONDS", default=45)
# While tasks wait in the broker, a queued delivery counts as lost only after this long.
REPORTS_SWEEP_BACKLOG_GRACE_SECONDS = env.int("REPORTS_SWEEP_BACKLOG_GRACE_SECONDS", default=1800)
