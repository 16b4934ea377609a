"""The organisation menu. Each app that adds pages adds its entry here, in menu order."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str  # takes the organisation slug as its only argument
    minimum_role: str = Role.VIEWER


MENU: tuple[NavItem, ...] = (
    # The day-to-day first: the home page is "My week" once a plan exists.
    NavItem(_("Home"), "web:dashboard"),
    NavItem(_("Inbox"), "inbox:inbox"),
    NavItem(_("Publish"), "posts:list"),
    NavItem(_("Calendar"), "posts:calendar"),
    NavItem(_("Approvals"), "posts:approvals"),
    NavItem(_("Watch"), "watch:timeline"),
    NavItem(_("Accounts"), "networks:accounts"),
    # The strategy, visited weekly or quarterly.
    NavItem(_("Plan"), "strategy:plan"),
    NavItem(_("Alignment"), "strategy:alignment"),
    NavItem(_("Quarterly review"), "strategy:review"),
    # The organisation itself.
    NavItem(_("Members"), "accounts:members"),
    NavItem(_("API keys"), "accounts:api_keys", Role.MANAGER),
    NavItem(_("Activity log"), "accounts:audit_log", Role.MANAGER),
    NavItem(_("Settings"), "accounts:organisation_settings", Role.MANAGER),
    NavItem(_("Personal data"), "privacy:overview"),
)
