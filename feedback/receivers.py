"""The projects app's events that start survey campaigns: each queues a task (the signals are
sent after commit), which starts the campaigns of the project's automations once per event.

And the writes that change the satisfaction dashboard's cached figures
(feedback.selectors.satisfaction): each replaces their version."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from accounts.models import Organization
from common.tasks import enqueue
from feedback.models import Campaign, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from feedback.selectors.satisfaction import satisfaction_figures_changed
from projects.models import Membership, Project
from projects.signals import deliverable_accepted, project_closed


def _on_deliverable_accepted(sender: Any, deliverable_id: int, **kwargs: Any) -> None:
    from feedback.tasks import campaigns_on_deliverable_accepted_task

    enqueue(campaigns_on_deliverable_accepted_task, deliverable_id)


def _on_project_closed(sender: Any, project_id: int, **kwargs: Any) -> None:
    from feedback.tasks import campaigns_on_project_closed_task

    enqueue(campaigns_on_project_closed_task, project_id)


# Saved with only other fields (update_fields), these models' rows leave the figures as they
# were: a project's health and revision, a person's last sign-in.
_FIGURE_FIELDS: dict[type[Model], frozenset[str]] = {
    Project: frozenset({"name", "code", "client", "client_id"}),
    Organization: frozenset({"name"}),
    get_user_model(): frozenset({"display_name", "is_active", "is_staff", "side"}),
}


def _figures_saved(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    fields = _FIGURE_FIELDS.get(sender)
    if fields is not None and update_fields is not None and not fields & set(update_fields):
        return
    satisfaction_figures_changed()


def connect() -> None:
    models: tuple[type[Model], ...] = (
        SurveyInvitation,
        SurveyResponse,
        SurveyAnswer,
        SurveyQuestion,
        Campaign,
        Membership,
        *_FIGURE_FIELDS,
    )
    for model in models:
        uid = f"satisfaction-figures-{model._meta.label_lower}"
        post_save.connect(_figures_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(satisfaction_figures_changed, sender=model, dispatch_uid=uid)
    deliverable_accepted.connect(_on_deliverable_accepted, dispatch_uid="surveys-deliverable")
    project_closed.connect(_on_project_closed, dispatch_uid="surveys-project-closed")
