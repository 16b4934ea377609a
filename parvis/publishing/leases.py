"""The dispatcher's lease renewal: :mod:`parvis.core.sending.leases` on publishing targets."""

from __future__ import annotations

from datetime import timedelta

from parvis.core.sending import leases
from parvis.publishing.models import PostTarget


class LeaseRenewer(leases.LeaseRenewer):
    """Renews the leases of the targets this process is publishing."""

    def __init__(
        self, *, lease: timedelta, max_hold: timedelta, every: float | None = None
    ) -> None:
        super().__init__(
            model=PostTarget,
            live_status=PostTarget.Status.PUBLISHING,
            lease=lease,
            max_hold=max_hold,
            every=every,
        )


def renewer_for(*, lease: timedelta, max_hold: timedelta) -> leases.LeaseRenewer:
    """The process's renewer for publishing targets with this lease (made on first use)."""
    return leases.renewer_for(
        model=PostTarget, live_status=PostTarget.Status.PUBLISHING, lease=lease, max_hold=max_hold
    )
