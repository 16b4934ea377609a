"""Roles inside an organisation and what each may do. Pure: no database access."""

from __future__ import annotations

from enum import IntEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


class Level(IntEnum):
    """Roles ordered by power, so a check reads ``at_least(role, Role.MANAGER)``."""

    VIEWER = 10
    CONTRIBUTOR = 20
    MANAGER = 30
    OWNER = 40


_LEVELS = {
    Role.VIEWER: Level.VIEWER,
    Role.CONTRIBUTOR: Level.CONTRIBUTOR,
    Role.MANAGER: Level.MANAGER,
    Role.OWNER: Level.OWNER,
}


def at_least(role: str, minimum: str) -> bool:
    return _LEVELS[Role(role)] >= _LEVELS[Role(minimum)]


ROLE_HELP = {
    Role.OWNER: _("Everything, including members, billing and deleting the organisation."),
    Role.MANAGER: _("Publishes, approves, answers, connects accounts and invites members."),
    Role.CONTRIBUTOR: _("Writes drafts and answers; posts wait for a manager's approval."),
    Role.VIEWER: _("Reads the calendar, the inbox and the reports; changes nothing."),
}
