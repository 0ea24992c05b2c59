"""Satisfaction (surveys, campaigns, invitations, responses) and feedback tickets."""

from feedback.models.surveys import *  # noqa: F403
from feedback.models.tickets import *  # noqa: F403
