"""One error taxonomy for every network.

Every failure a connector can meet ends up as one of five classes, so the dispatcher, the inbox
and the UI handle seven networks with one ``except`` ladder:

* :class:`AuthExpired` — the account must be reconnected; retrying is pointless.
* :class:`RateLimited` — wait until ``retry_at`` (the network's own reset), then retry.
* :class:`Transient` — retry later with backoff (5xx, connection refused, garbage body on a read).
* :class:`Rejected` — permanent; ``reason`` is the network's own words, shown to the user.
* :class:`Unconfirmed` — the request may or may not have taken effect (timeout after sending, or an
  unreadable success). Never retried blindly: the caller reconciles first.

``permanent`` says whether the same call can ever succeed unchanged; ``user_message`` is the
French sentence the UI shows (what happened and what to do).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar


class ConnectorError(Exception):
    """Base of the taxonomy. Never raised as such: always one of the five subclasses."""

    permanent: ClassVar[bool] = False
    code: ClassVar[str] = "connector_error"

    def __init__(self, detail: str = "", *, network: str = "", status: int | None = None) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.network = network
        self.status = status

    @property
    def user_message(self) -> str:
        """French explanation for the user; subclasses say what to do next."""
        return "Le réseau a renvoyé une erreur inattendue."

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.detail!r}, network={self.network!r}, status={self.status})"


class AuthExpired(ConnectorError):
    """The token is expired, revoked or lacks a permission: the account must be reconnected."""

    permanent = True
    code = "auth_expired"

    @property
    def user_message(self) -> str:
        return (
            "La connexion au compte a expiré ou a été révoquée\u202f: "
            "reconnectez le compte dans la page Comptes."
        )


class RateLimited(ConnectorError):
    """The network asks us to slow down until ``retry_at`` (UTC)."""

    code = "rate_limited"

    def __init__(
        self,
        detail: str = "",
        *,
        retry_at: datetime,
        network: str = "",
        status: int | None = 429,
    ) -> None:
        super().__init__(detail, network=network, status=status)
        self.retry_at = retry_at

    def retry_after_seconds(self, now: datetime) -> float:
        """Seconds left before the network's reset (never negative)."""
        return max(0.0, (self.retry_at - now).total_seconds())

    @property
    def user_message(self) -> str:
        at = self.retry_at.astimezone(UTC).strftime("%H:%M")
        return (
            f"Le réseau limite le nombre d’appels\u202f: nouvel essai automatique après {at} (UTC)."
        )


class Transient(ConnectorError):
    """A passing failure (server error, network cut, unreadable answer to a read): retry later."""

    code = "transient"

    @property
    def user_message(self) -> str:
        return (
            "Le réseau est momentanément indisponible\u202f: "
            "un nouvel essai aura lieu automatiquement."
        )


class Rejected(ConnectorError):
    """The network refused the request for good; ``reason`` is its own explanation."""

    permanent = True
    code = "rejected"

    def __init__(
        self, reason: str, *, network: str = "", status: int | None = None, remote_code: str = ""
    ) -> None:
        super().__init__(reason, network=network, status=status)
        self.reason = reason
        self.remote_code = remote_code

    @property
    def user_message(self) -> str:
        return (
            f"Le réseau a refusé la demande\u202f: «\u202f{self.reason}\u202f». "
            "Modifiez-la puis réessayez."
        )


class NotSupported(Rejected):
    """The network (or this connector) cannot do that at all, e.g. reading DMs on YouTube."""

    code = "not_supported"

    @property
    def user_message(self) -> str:
        return f"Ce réseau ne permet pas cette action\u202f: {self.reason}."


class NotFound(Rejected):
    """What was asked for does not exist on the network, or is not public (an unknown handle, a
    private account, a deleted post)."""

    code = "not_found"

    @property
    def user_message(self) -> str:
        return f"Introuvable sur ce réseau, ou non public : {self.reason}."


class Unconfirmed(ConnectorError):
    """The request was sent but its outcome is unknown. Reconcile, never retry blindly."""

    code = "unconfirmed"

    @property
    def user_message(self) -> str:
        return (
            "Le réseau n’a pas confirmé la publication à temps\u202f: Parvis vérifie si elle "
            "est en ligne avant tout nouvel essai, pour ne pas publier deux fois."
        )


TAXONOMY: tuple[type[ConnectorError], ...] = (
    AuthExpired,
    RateLimited,
    Transient,
    Rejected,
    Unconfirmed,
)


def query_refusal(query: str, *, limit: int, network: str, label: str) -> Rejected | None:
    """Why a watch search cannot be sent as is (empty, or longer than ``limit`` characters,
    the network's documented maximum), in French; None when it can. Checked before any call:
    a 10,000-character query must not cost a request, nor a quota unit."""
    size = len(query.strip())
    if size == 0:
        return Rejected("la recherche est vide\u202f: saisissez au moins un mot", network=network)
    if size > limit:
        return Rejected(
            f"la recherche fait {_grouped(size)} caractères, {label} en accepte au plus "
            f"{_grouped(limit)}\u202f: raccourcissez-la",
            network=network,
        )
    return None


def _grouped(number: int) -> str:
    """10000 -> « 10 000 » (French digit grouping, narrow no-break space)."""
    return f"{number:,}".replace(",", "\u202f")
