from __future__ import annotations

import pytest

from parvis.core.vocabulary import Network, Objective
from parvis.strategy.engine.choices import AccountActivity, ResponseDelay
from parvis.strategy.engine.profile import IncompleteDiagnosticError, profile_from_answers
from tests.strategy.engine.factories import grid, menuiserie_answers


def test_profile_types_every_answer() -> None:
    profile = profile_from_answers(menuiserie_answers())
    assert profile.objectives == (Objective.VISIBILITY, Objective.PROSPECTING)
    assert profile.accounts == (Network.FACEBOOK, Network.LINKEDIN)
    assert profile.alive_accounts == (Network.FACEBOOK,)
    assert profile.activity(Network.LINKEDIN) is AccountActivity.DORMANT
    assert profile.response_delay is ResponseDelay.WITHIN_DAY
    assert profile.is_b2c and not profile.is_b2b


def test_incomplete_answers_raise_with_their_messages() -> None:
    answers = menuiserie_answers()
    del answers["budget"]
    with pytest.raises(IncompleteDiagnosticError) as caught:
        profile_from_answers(answers)
    assert {k: v.fr for k, v in caught.value.errors.items()} == {
        "budget": "Cette question attend une réponse."
    }
    assert caught.value.errors["budget"].en == "This question needs an answer."


def test_invalid_answers_raise() -> None:
    with pytest.raises(IncompleteDiagnosticError) as caught:
        profile_from_answers(menuiserie_answers(minutes_per_week=-5))
    assert "minutes_per_week" in caught.value.errors


def test_delay_ignored_when_the_company_never_replies() -> None:
    profile = profile_from_answers(menuiserie_answers(reply_habit="never"))
    assert profile.response_delay is None


def test_half_b2b_counts_as_both_markets() -> None:
    profile = profile_from_answers(menuiserie_answers(b2b_share=50))
    assert profile.is_b2b and profile.is_b2c


def test_no_account_at_all() -> None:
    profile = profile_from_answers(menuiserie_answers(networks=grid()))
    assert profile.accounts == ()
    assert profile.alive_accounts == ()
