"""``python -m parvis.insight classify`` runs the insight command line."""

from __future__ import annotations

from parvis.insight.cli import main

raise SystemExit(main())
