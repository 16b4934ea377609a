"""The composer says why nothing was saved when nothing was written, and a refused action keeps
every field as it was typed (text, variant, link, first comment, date and time)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from parvis.publishing.models import Post
from tests.conftest import Cast
from tests.publishing.ui.conftest import Accounts
from tests.publishing.ui.test_compose import tomorrow_local, url


def _error(page: str) -> str:
    found = re.search(r'id="schedule-error" data-code="(\w+)"', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize("action", ["save", "schedule", "queue"])
def test_nothing_written_is_not_saved_and_says_why(
    cast: Cast, accounts: Accounts, alice_client: Client, action: str
) -> None:
    response = alice_client.post(
        url("new", cast),
        {"body": "  \n ", "accounts": [accounts.x.pk], "action": action, "date": "", "time": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200 and _error(page) == "nothing_written"
    assert "Nothing to save yet: write your post first." in page
    assert not Post.objects.filter(organisation=cast.org).exists()
    # The account ticked stays ticked.
    assert re.search(rf'value="{accounts.x.pk}"[^>]*checked', page)


def test_the_message_is_french_for_a_french_user(cast: Cast, accounts: Accounts) -> None:
    client = Client()
    client.force_login(cast.alice)
    page = client.post(url("new", cast), {"body": "", "action": "save"}).content.decode()
    assert "Rien à enregistrer pour l’instant\u00a0: écrivez d’abord votre publication." in page


def test_a_first_comment_alone_is_a_draft_worth_keeping(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    response = alice_client.post(
        url("new", cast), {"body": "", "first_comment": "Lien en commentaire", "action": "save"}
    )
    assert response.status_code == 302
    assert Post.objects.get(organisation=cast.org).first_comment == "Lien en commentaire"


def test_a_refused_schedule_keeps_every_field_typed(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    day = tomorrow_local()
    response = alice_client.post(
        url("new", cast),
        {
            "body": "Nouvelle table en chêne massif.",
            "action": "schedule",
            "date": f"{day:%Y-%m-%d}",
            "time": "10:30",
            "link": "https://exemple.fr/table",
            "first_comment": "Tous les détails sur le site.",
            f"override-{accounts.x.pk}": "Version courte pour X",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and _error(page) == "no_account"
    assert "Nouvelle table en chêne massif.</textarea>" in page
    assert "Tous les détails sur le site." in page and "Version courte pour X" in page
    assert 'value="https://exemple.fr/table"' in page
    assert f'value="{day:%Y-%m-%d}"' in page and 'value="10:30"' in page
