"""The columns every outgoing thing shares, as abstract models (no table of their own).

* :class:`Outgoing`: when the next attempt is due and, once out, the network's id for it.
* :class:`Leased`: an :class:`Outgoing` claimed with a lease by polling workers (publishing,
  and the webhooks and CRM pushes to come): the claim token and lease, the attempt counter, the
  moment a request first left (``sent_since``: from then on every attempt looks it up first),
  and the last error shown to people.
* :class:`AttemptRecord`: one row per call to the network, never changed once finished.

Each concrete model adds its own ``status`` (its words for the states of
:class:`~parvis.core.sending.rules.Then`) and its idempotency key.
"""

from __future__ import annotations

from django.db import models


class Outgoing(models.Model):
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


class Leased(Outgoing):
    attempts = models.PositiveIntegerField(default=0)
    claim_token = models.CharField(max_length=40, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Set (and committed) just before a request leaves: from then on, a retry must look the
    # thing up first, because the network may have it even if we never heard back.
    sent_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # French, shown to people
    error_code = models.CharField(max_length=40, blank=True)

    class Meta:
        abstract = True


class AttemptRecord(models.Model):
    outcome = models.CharField(max_length=20)
    error = models.TextField(blank=True)
    remote_id = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True
