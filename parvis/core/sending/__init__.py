"""One exactly-once sender for everything Parvis sends to another system.

Publishing (a post on an account), inbox replies, and the outgoing webhooks and CRM pushes to
come are one idea: a row that must reach a remote system once, through calls that may time out
after taking effect, from workers that may die at any moment. This package is that idea; each
kind keeps only its own columns and its own words.

The pieces, one job each:

* :mod:`~.claims` — claim due rows by compare-and-set (one statement with ``FOR UPDATE SKIP
  LOCKED`` on PostgreSQL), with a lease token every later write is conditioned on;
* :mod:`~.leases` — one thread per process renews the leases its busy threads hold;
* :mod:`~.delivery` — :func:`~.delivery.deliver`: look up before any resend, look up right
  after a timeout, never resend blindly; says what happened, the kind writes it;
* :mod:`~.rules` — the kind's error table: error class → :class:`~.rules.Then` (retry, wait
  for the network's reset, recheck later, ask a person, hold, fail);
* :mod:`~.backoff` — exponential or stepped schedules, with the give-up point;
* :mod:`~.attempts` — the attempt log's clock; :mod:`~.models` — the shared abstract columns;
* :mod:`~.unstick` — the watchdog for rows whose worker died mid-send.

**A new kind of outgoing thing** (a webhook delivery, a CRM push) provides:

1. A model deriving from :class:`~.models.Leased` (claimed by polling workers; or
   :class:`~.models.Outgoing` for a row a task names) plus ``OrganisationOwned``, with its
   own ``status`` choices — at least *waiting* (``scheduled``), *sending* (the live claim),
   *unconfirmed*, *done* and *failed* — and a stable idempotency key it sends when the remote
   system honours one; and an attempt model deriving from :class:`~.models.AttemptRecord`.
2. A small adapter implementing :class:`~.delivery.Delivery` for one claimed row: ``send``
   (one call; raise the ``timeout`` class when the outcome is unknown), ``look_up`` (find it
   on the remote side, or :attr:`~.delivery.Lookup.ABSENT` / ``CANNOT_TELL``), and its
   :class:`~.rules.ErrorTable` (classify errors: what each one means).
3. The code that writes each :class:`~.rules.Then` into its columns (publishing's
   ``publishing/settle.py`` is the example to copy), a claim built on
   :func:`~.claims.claim_batch` with :func:`~.claims.expired_lease` among its candidates (or
   :func:`~.unstick.unstick` run by the scheduler), and a task or process that runs it.

This package imports no Parvis app (it is part of ``core``): kinds import it, never the reverse.
"""
