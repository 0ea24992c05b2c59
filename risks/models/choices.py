"""The choices a risk is described with: its category, level, response strategy and the side
that raised it, and the 1 to 5 scale of probability and impact."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SCALE = range(1, 6)


class Category(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    COST = "cost", _("Cost")
    QUALITY = "quality", _("Quality")
    SCOPE = "scope", _("Scope / requirements")
    TECHNICAL = "technical", _("Technical")
    RESOURCE = "resource", _("Resource")
    CLIENT = "client", _("Client / relationship")
    COMMERCIAL = "commercial", _("Commercial")
    EXTERNAL = "external", _("External")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", pgettext_lazy("risk level", "Critical")


LEVEL_RANK: dict[str, int] = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2, Level.CRITICAL: 3}


class Strategy(models.TextChoices):
    AVOID = "avoid", _("Avoid")
    MITIGATE = "mitigate", _("Mitigate")
    TRANSFER = "transfer", _("Transfer")
    ACCEPT = "accept", pgettext_lazy("risk response", "Accept")
    ESCALATE = "escalate", _("Escalate")


class Side(models.TextChoices):
    CLIENT = "client", _("Client")
    PROVIDER = "provider", _("Provider")
