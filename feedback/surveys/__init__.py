"""Satisfaction surveys: templates, campaigns, invitations, responses, detractor follow-ups and
the account manager's satisfaction dashboard."""


def ready() -> None:
    """Called from FeedbackConfig.ready(): the predicates, the Celery tasks and the receivers of
    the projects app's events."""
    from feedback.surveys import admin, permissions, receivers, tasks  # noqa: F401

    receivers.connect()
