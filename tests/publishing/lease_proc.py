"""Run in separate processes by ``test_lease.py``, against one isolated instance:

``seed URL TOKEN USER TEXT`` makes a due post on an X account at URL with a 3 MB picture (three
upload chunks); ``publish DIR LEASE_S`` claims it as worker A, leaves ``DIR/claimed``, publishes
it and prints ``{"claimed": [...], "outcome": ...}`` then leaves ``DIR/done``; ``steal DIR
LEASE_S`` waits for ``DIR/claimed`` then tries to claim as worker B until ``DIR/done`` appears
and prints the ids it got; ``status`` prints the target's status, attempts and attempt rows.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path


def _config(lease_s: str) -> object:
    from parvis.publishing.config import Config

    # A short lease and a generous HTTP timeout: each chunk is slow, none times out.
    return Config(
        lease=timedelta(seconds=float(lease_s)),
        http_timeout=30.0,
        max_attempts=3,
        retry_base=1.0,
        retry_cap=1.0,
        recheck=timedelta(0),
    )


def _wait_for(path: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _picture() -> bytes:
    """A 1000×1000 PNG of noise: about 3 MB that do not compress, within X's 5 MB."""
    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(out, "PNG")
    return out.getvalue()


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from parvis.accounts.actor import Actor
    from parvis.accounts.models import Membership, User
    from parvis.accounts.services import organisation_create
    from parvis.networks.models import SocialAccount
    from parvis.publishing.claims import claim_due
    from parvis.publishing.models import MediaAsset, PostTarget, PublishAttempt
    from parvis.publishing.publish import publish_target
    from parvis.publishing.services.editing import post_create
    from parvis.publishing.services.scheduling import post_schedule

    command = argv[0]
    if command == "seed":
        url, token, user, text = argv[1:5]
        owner = User.objects.create_user("lease@example.org", "x")
        org = organisation_create(name="Lease", owner=owner)
        account = SocialAccount.objects.create(
            organisation=org,
            kind="x",
            remote_id=user,
            handle="parvis_test",
            access_token=token,
            api_base_url=url,
        )
        data = _picture()
        asset = MediaAsset(
            organisation=org, mime="image/png", size=len(data), width=1000, height=1000
        )
        asset.file.save("bruit.png", ContentFile(data), save=True)
        actor = Actor.of(Membership.objects.get(user=owner))
        post = post_create(actor=actor, body=text, account_ids=[account.pk], media_ids=[asset.pk])
        post_schedule(actor=actor, post=post, at=timezone.now() + timedelta(minutes=1))
        past = timezone.now() - timedelta(seconds=1)
        PostTarget.objects.filter(post=post).update(next_attempt_at=past)
        return 0
    if command == "publish":
        folder, config = Path(argv[1]), _config(argv[2])
        claim_token, ids = claim_due(worker="A", limit=1, config=config)  # type: ignore[arg-type]
        (folder / "claimed").touch()
        outcome = (
            publish_target(ids[0], claim_token, worker="A", config=config)  # type: ignore[arg-type]
            if ids
            else ""
        )
        print(json.dumps({"claimed": ids, "outcome": outcome}))
        (folder / "done").touch()
        return 0
    if command == "steal":
        folder, config = Path(argv[1]), _config(argv[2])
        _wait_for(folder / "claimed")
        got: list[int] = []
        deadline = time.monotonic() + 120
        while not (folder / "done").exists() and time.monotonic() < deadline:
            _token, ids = claim_due(worker="B", limit=5, config=config)  # type: ignore[arg-type]
            got.extend(ids)
            time.sleep(0.05)
        print(json.dumps(got))
        return 0
    if command == "status":
        target = PostTarget.objects.get()
        attempts = list(PublishAttempt.objects.values_list("worker", "outcome"))
        print(json.dumps({"status": target.status, "attempts": attempts}))
        return 0
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
