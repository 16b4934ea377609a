"""Run inside an isolated instance (``python -m tests.publishing.ui.seed_peers JSON``): give
its only organisation a time zone and three connected accounts on the local peers, standing in
for the OAuth steps that ``tests/networks`` drive in a browser."""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()
    from parvis.accounts.models import Organisation
    from parvis.networks.models import SocialAccount

    spec = json.loads(argv[0])
    organisation = Organisation.objects.get()
    organisation.timezone = spec["timezone"]
    organisation.save(update_fields=["timezone"])
    for account in spec["accounts"]:
        SocialAccount.objects.create(organisation=organisation, **account)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
