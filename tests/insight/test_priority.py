"""Inbox priority from intent, tone, reach and age."""

from __future__ import annotations

import math

from parvis.insight import PriorityLevel, analyse, priority

LEAD = "Bonjour, nous voudrions un devis pour équiper nos 40 postes, vous pouvez nous rappeler ?"
COMPLAINT = "Toujours pas reçu ma commande après un mois, c'est scandaleux, personne ne répond."
PRAISE = "Merci pour tout, super équipe !"
SPAM = "Gagnez 3000 € par semaine avec la crypto, contactez mon mentor sur WhatsApp"


def test_leads_and_complaints_come_before_praise() -> None:
    lead = priority(analyse(LEAD), age_hours=1)
    complaint = priority(analyse(COMPLAINT), age_hours=1)
    praise = priority(analyse(PRAISE), age_hours=1)
    assert lead.score > praise.score
    assert complaint.score > praise.score
    assert "réclamation" in complaint.reasons
    assert "piste commerciale" in lead.reasons


def test_spam_is_filed_whatever_its_reach() -> None:
    result = priority(analyse(SPAM), author_followers=1_000_000, age_hours=100)
    assert result.level is PriorityLevel.FILED
    assert result.score == 0


def test_reach_and_age_raise_the_score() -> None:
    analysis = analyse(PRAISE)
    base = priority(analysis, author_followers=None, age_hours=0).score
    famous = priority(analysis, author_followers=50_000, age_hours=0)
    waiting = priority(analysis, author_followers=None, age_hours=30)
    assert famous.score > base
    assert waiting.score > base
    assert any("50" in reason for reason in famous.reasons)
    assert "en attente depuis 1 j" in waiting.reasons


def test_age_stops_climbing_after_two_days() -> None:
    analysis = analyse(COMPLAINT)
    two_days = priority(analysis, age_hours=48).score
    a_week = priority(analysis, age_hours=24 * 7).score
    assert two_days == a_week


def test_odd_inputs_are_bounded() -> None:
    analysis = analyse(COMPLAINT)
    for age in (-5.0, math.nan, math.inf):
        result = priority(analysis, author_followers=-3, age_hours=age)
        assert 0 <= result.score <= 100
    top = priority(analysis, author_followers=10**12, age_hours=10**6)
    assert top.score <= 100
    assert top.level is PriorityLevel.URGENT
