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

# --- Replies by e-mail ------------------------------------------------------------------------

# Discussion e-mails carry a signed reply address per person and thread (reply+…@
# REPLY_EMAIL_DOMAIN) and `manage.py inbound_smtp` receives the replies on INBOUND_SMTP_HOST:PORT
# (the domain's MX, or a relay in front of it, hands them over). Off: no reply address, and the
# e-mails say nothing about replying.
INBOUND_EMAIL_ENABLED = env.bool("INBOUND_EMAIL_ENABLED", default=False)
REPLY_EMAIL_DOMAIN = env.str("REPLY_EMAIL_DOMAIN", default="")
INBOUND_SMTP_HOST = env.str("INBOUND_SMTP_HOST", default="127.0.0.1")
INBOUND_SMTP_PORT = env.int("INBOUND_SMTP_PORT", default=2525)
# The largest reply the server takes (bigger ones are refused with 552 before they are read).
INBOUND_SMTP_MAX_BYTES = env.int("INBOUND_SMTP_MAX_BYTES", default=10 * 1024 * 1024)
