"""Satisfaction (surveys, campaigns, invitations, responses), feedback tickets and the client
account."""

from feedback.models.account import *  # noqa: F403
from feedback.models.campaigns import *  # noqa: F403
from feedback.models.responses import *  # noqa: F403
from feedback.models.surveys import *  # noqa: F403
from feedback.models.tickets import *  # noqa: F403
