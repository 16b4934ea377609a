"""Hypothesis settings for the strategy engine tests: no example database left in the tree
(runs stay reproducible through ``derandomize``), no per-example deadline on a shared machine."""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("parvis-strategy", database=None, deadline=None, derandomize=True)
settings.load_profile("parvis-strategy")
