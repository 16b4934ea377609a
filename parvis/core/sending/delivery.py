"""One send, exactly once: look up before any resend, look up after a timeout.

:func:`deliver` is the step every kind runs once it holds its claim. It never decides states
itself; it tells its caller what happened — :class:`Delivered` (sent, or found already there),
:class:`NotDelivered` (with the :class:`~parvis.core.sending.rules.Then` to apply) or
:data:`LOST_CLAIM` — and the kind writes its own columns.

The rule it enforces, whatever the network:

1. A thing that may already be out (an earlier request left and we never heard back, or its
   worker died) is **looked up first**. Found: delivered, nothing sent. Absent: send. The
   network cannot tell: send only when the kind says a person decided so; otherwise
   « unconfirmed » (:attr:`Then.ASK`). Never a blind resend.
2. Otherwise the kind marks that a request is about to leave (committed before it leaves, so a
   crash from now on leads to rule 1) and sends.
3. A timeout (the kind's ``timeout`` error: the request may have taken effect) is followed by a
   lookup at once. Found: delivered. Absent: :attr:`Then.RECHECK` (look again later, send only if
   still absent — the network may still be writing it). Cannot tell: :attr:`Then.ASK`.
4. Any other error goes through the kind's :class:`~parvis.core.sending.rules.ErrorTable`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from parvis.core.sending.rules import ErrorTable, Rule, Then

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Lookup(enum.Enum):
    """What a lookup said when it did not find the thing."""

    ABSENT = "absent"  # looked, not there: safe to send
    CANNOT_TELL = "cannot_tell"  # the network offers no way to know (or not this far back)


@dataclass(frozen=True)
class Delivered(Generic[R]):
    result: R
    reconciled: bool  # found by a lookup rather than confirmed by the send itself


@dataclass(frozen=True)
class NotDelivered:
    then: Then
    outcome: str = ""  # what the attempt log records; "" when nothing was attempted
    error: BaseException | None = None
    looked: Lookup | None = None  # what the lookup said, when one decided this
    tell_account: bool = False
    unexpected: bool = False

    @classmethod
    def by(cls, rule: Rule, error: BaseException, *, looked: Lookup | None = None) -> NotDelivered:
        return cls(
            then=rule.then,
            outcome=rule.outcome,
            error=error,
            looked=looked,
            tell_account=rule.tell_account,
            unexpected=rule.unexpected,
        )


class LostClaim(enum.Enum):
    LOST = "lost_claim"


LOST_CLAIM = LostClaim.LOST


class Delivery(Protocol[R_co]):
    """What a kind of outgoing thing provides to :func:`deliver` for one claimed row."""

    @property
    def errors(self) -> ErrorTable:
        """What each error means for this kind (:mod:`~parvis.core.sending.rules`)."""

    @property
    def timeout(self) -> type[BaseException]:
        """The error that means "sent, outcome unknown" (``networks.errors.Unconfirmed``)."""

    def prepare(self) -> None:
        """Build what the send needs (payload, client); its errors go through the table."""

    def may_be_out(self) -> bool:
        """An earlier request for this row may have reached the network."""

    def may_resend_unseen(self) -> bool:
        """The network cannot tell whether it has it: may it be sent anyway (a person said
        so)? Only asked about a row that :meth:`may_be_out`."""

    def about_to_send(self) -> bool:
        """Record (committed) that a request is leaving now; False: the claim was lost."""

    def send(self) -> R_co: ...

    def look_up(self, *, after_timeout: bool) -> R_co | Lookup:
        """The thing as found on the network, or what the lookup could tell. Raises when the
        lookup itself failed (see :meth:`lookup_failed`)."""

    def lookup_failed(
        self, error: Exception, *, timeout: BaseException | None
    ) -> NotDelivered | None:
        """A lookup raised ``error`` (``timeout``: the send's timeout it followed, if any).
        None: treat ``error`` like any other (the table)."""


def deliver(delivery: Delivery[R]) -> Delivered[R] | NotDelivered | LostClaim:
    """Send ``delivery``'s row once, or find it; see the module's docstring."""
    try:
        delivery.prepare()
        if delivery.may_be_out():
            seen = _look(delivery, timeout=None)
            if isinstance(seen, NotDelivered):
                return seen
            if seen is Lookup.CANNOT_TELL and not delivery.may_resend_unseen():
                return NotDelivered(then=Then.ASK, looked=seen)
            if not isinstance(seen, Lookup):
                return Delivered(seen, reconciled=True)
        elif not delivery.about_to_send():
            return LOST_CLAIM
        try:
            return Delivered(delivery.send(), reconciled=False)
        except delivery.timeout as timeout:
            return _after_timeout(delivery, timeout)
    except Exception as error:  # noqa: BLE001 - classified by the kind's table
        rule = delivery.errors.rule_for(error)
        if rule is None:
            raise
        return NotDelivered.by(rule, error)


def _after_timeout(delivery: Delivery[R], timeout: BaseException) -> Delivered[R] | NotDelivered:
    seen = _look(delivery, timeout=timeout)
    if isinstance(seen, NotDelivered):
        return seen
    if not isinstance(seen, Lookup):
        return Delivered(seen, reconciled=True)
    rule = delivery.errors.rule_for(timeout) or Rule(Then.RECHECK, "unconfirmed")
    then = Then.RECHECK if seen is Lookup.ABSENT else Then.ASK
    return NotDelivered(
        then=then, outcome=rule.outcome, error=timeout, looked=seen, tell_account=rule.tell_account
    )


def _look(delivery: Delivery[R], *, timeout: BaseException | None) -> R | Lookup | NotDelivered:
    try:
        return delivery.look_up(after_timeout=timeout is not None)
    except Exception as error:  # noqa: BLE001 - the kind says what a failed lookup means
        verdict = delivery.lookup_failed(error, timeout=timeout)
        if verdict is None:
            raise
        return verdict
