"""An account whose token no key decrypts is flagged once; reading it again writes nothing."""

from __future__ import annotations

from typing import Any

from parvis.networks.models import SocialAccount
from tests.conftest import Cast

OLD_KEY = "old-key-of-the-install-restored-0123456789abc"
NEW_KEY = "new-key-of-this-install-9876543210-abcdefghij"


def test_a_flagged_account_is_read_without_a_write(
    cast: Cast, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    account = SocialAccount.objects.create(
        organisation=cast.org, kind="x", handle="atelier", remote_id="1", access_token="tok"
    )
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    first = SocialAccount.objects.get(pk=account.pk)  # flags it « à reconnecter »
    assert first.status == SocialAccount.Status.RECONNECT

    # Before, every read of the account (accounts page, poll loop, dispatcher) ran its UPDATE
    # again: on SQLite each one took the write lock.
    with django_assert_num_queries(1):
        again = SocialAccount.objects.get(pk=account.pk)
    assert again.status == SocialAccount.Status.RECONNECT and again.tokens_unreadable
