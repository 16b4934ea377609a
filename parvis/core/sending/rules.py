"""What happens after a failed attempt: one table per kind of outgoing thing.

A sender does not write an ``except`` branch per error class. It asks its :class:`ErrorTable`
for the :class:`Rule` of the error it caught (the most specific class wins, as ``except`` would
choose) and applies the rule's :class:`Then`. The table is the kind's policy, in one place: a
rate limit is a pause for publishing but a counted retry for a reply a person waits for; an
expired token holds a post but fails a reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Then(StrEnum):
    """What the sender does with the thing after an attempt that did not deliver it."""

    RETRY = "retry"  # try again after the backoff (and the network's reset, if it gave one)
    WAIT = "wait"  # the network's pace: wait for its reset; not counted as a failed attempt
    RECHECK = "recheck"  # it may be out: look it up later, send only if it is still absent
    ASK = "ask"  # it may be out and nobody can tell: « unconfirmed » until a person decides
    HOLD = "hold"  # keep it until a person fixes the cause (reconnect the account)
    FAIL = "fail"  # final: the reason is shown; a person may start it again


@dataclass(frozen=True)
class Rule:
    then: Then
    outcome: str  # what the attempt log records
    tell_account: bool = False  # the account's own state changes (expired token, rate limit)
    unexpected: bool = False  # not a network answer but a bug or a crash: logged with its trace


class ErrorTable:
    """Error class → :class:`Rule`. ``otherwise`` covers every other exception; without it
    they propagate (the caller's task fails and the watchdog un-sticks the row)."""

    def __init__(
        self, rules: Mapping[type[BaseException], Rule], *, otherwise: Rule | None = None
    ) -> None:
        self.rules = dict(rules)
        self.otherwise = otherwise

    def rule_for(self, error: BaseException) -> Rule | None:
        for cls in type(error).__mro__:
            rule = self.rules.get(cls)
            if rule is not None:
                return rule
        return self.otherwise

    def handles(self) -> tuple[type[BaseException], ...]:
        """The classes a sender catches (every exception when ``otherwise`` is set)."""
        return (Exception,) if self.otherwise is not None else tuple(self.rules)
