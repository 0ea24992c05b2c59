"""The cache, the Celery broker and the beat schedule. With REDIS_URL both use Redis; without it,
files under var/ shared by the web process and the worker."""

from datetime import timedelta

from celery.schedules import crontab

from config.settings.environment import VAR_DIR, env

# --- Cache and broker -------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: the cache fails open (empty, with a warning) rather than failing the
            # request; signing in keeps working without its rate limits (common/cache.py).
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="rapport"),
            # Short timeouts, so that a Redis that hangs costs a request little.
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT_SECONDS", default=0.5),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT_SECONDS", default=1.0),
            },
        }
    }
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # kombu's Redis transport, with a worker that survives a Redis restart
        # (common/celery_broker.py).
        CELERY_BROKER_TRANSPORT = "common.celery_broker:Transport"
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
    # Every 30 s: re-enqueue outbox messages whose task was lost (broker restart, a killed
    # worker): one indexed query when there are none. With the grace (OUTBOX_FLUSH_GRACE_SECONDS),
    # a lost e-mail goes out within about 75 s of the worker or the broker coming back.
    "outbox-flush": {
        "task": "notifications.tasks.outbox_flush_task",
        "schedule": timedelta(seconds=30),
    },
    # Every 30 s: webhook deliveries whose retry is due or whose task was lost (one indexed
    # query when there are none).
    "webhooks-sweep": {
        "task": "integrations.tasks.webhooks_sweep_task",
        "schedule": timedelta(seconds=30),
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
    # Every 30 s: report deliveries whose worker died while sending or whose task was lost (a
    # broker restart), queued again (REPORTS_SWEEP_GRACE_SECONDS, REPORTS_SENDING_STALE_SECONDS).
    "reports-sweep": {
        "task": "reports.tasks.report_deliveries_sweep_task",
        "schedule": timedelta(seconds=30),
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
