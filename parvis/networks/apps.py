from __future__ import annotations

from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "parvis.networks"
    label = "networks"
    verbose_name = "Social networks"
