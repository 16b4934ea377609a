"""Each intent and sentiment label is given to clear examples, in French and in English."""

from __future__ import annotations

import pytest

from parvis.core.vocabulary import Intent, Sentiment
from parvis.insight import analyse, analyse_many

INTENT_EXAMPLES = [
    ("Vous êtes ouverts le lundi de Pâques ?", Intent.QUESTION),
    ("Does the hotel have a car park?", Intent.QUESTION),
    ("Toujours pas reçu ma commande après trois semaines, c'est inadmissible.", Intent.COMPLAINT),
    ("My order arrived broken and nobody answers my emails.", Intent.COMPLAINT),
    (
        "Bonjour, je voudrais un devis pour la rénovation de ma salle de bain.",
        Intent.PURCHASE_INTENT,
    ),
    ("How much would you charge for 200 printed mugs?", Intent.PURCHASE_INTENT),
    (
        "Je vous envoie ma candidature pour le poste de vendeuse, CV en pièce jointe.",
        Intent.JOB_APPLICATION,
    ),
    ("Are you hiring? I'd love to join your team as a cook.", Intent.JOB_APPLICATION),
    ("Merci à toute l'équipe, travail impeccable, je recommande !", Intent.PRAISE),
    ("Great service, thank you so much!", Intent.PRAISE),
    ("GAGNEZ 5000€ PAR SEMAINE depuis chez vous !!! Cliquez ici 👉 bit.ly/x1y2z3", Intent.SPAM),
    ("Buy 10k real followers for $9, DM me on WhatsApp", Intent.SPAM),
    ("Joyeux Noël à tous 🎄", Intent.OTHER),
    ("@julie regarde ça !", Intent.OTHER),
]

SENTIMENT_EXAMPLES = [
    ("Très déçue, le colis est arrivé cassé et personne ne répond.", Sentiment.NEGATIVE),
    ("Worst customer service ever.", Sentiment.NEGATIVE),
    ("Est-ce que vous livrez en Belgique ?", Sentiment.NEUTRAL),
    ("Quel est le prix pour dix personnes ?", Sentiment.NEUTRAL),
    ("Super accueil, on reviendra avec plaisir 😍", Sentiment.POSITIVE),
    ("Amazing work, we love the new kitchen!", Sentiment.POSITIVE),
]


@pytest.mark.parametrize(("text", "intent"), INTENT_EXAMPLES)
def test_primary_intent(text: str, intent: Intent) -> None:
    assert analyse(text).intent is intent


@pytest.mark.parametrize(("text", "sentiment"), SENTIMENT_EXAMPLES)
def test_sentiment(text: str, sentiment: Sentiment) -> None:
    assert analyse(text).sentiment is sentiment


def test_every_label_is_covered_by_the_examples() -> None:
    assert {intent for _, intent in INTENT_EXAMPLES} == set(Intent)
    assert {sentiment for _, sentiment in SENTIMENT_EXAMPLES} == set(Sentiment)


def test_a_question_that_is_a_lead_carries_both_intents() -> None:
    analysis = analyse("Vous avez encore ce modèle en taille 42 ? Je voudrais l'acheter.")
    assert [item.intent for item in analysis.intents] == [Intent.PURCHASE_INTENT, Intent.QUESTION]
    assert analysis.intents[0].score >= analysis.intents[1].score


def test_irony_counts_by_its_meaning() -> None:
    analysis = analyse("Bravo, encore un colis perdu… merci la Poste 🙄")
    assert analysis.sentiment is Sentiment.NEGATIVE
    assert analysis.intent is Intent.COMPLAINT


def test_scores_are_probabilities_and_intents_are_sorted() -> None:
    analysis = analyse("Bonjour, combien coûte l'abonnement annuel ?")
    assert set(analysis.scores) == set(Intent)
    assert sum(analysis.scores.values()) == pytest.approx(1.0, abs=1e-6)
    scores = [item.score for item in analysis.intents]
    assert scores == sorted(scores, reverse=True)
    assert -1.0 <= analysis.sentiment_score <= 1.0


def test_reasons_come_from_the_text() -> None:
    quote = analyse("Pouvez-vous m'envoyer un devis pour une terrasse en bois ?")
    assert "demande de devis" in quote.intents[0].reasons
    cv = analyse("Bonjour, je vous ai envoyé mon CV pour le poste de serveur.")
    assert "mentionne un CV" in cv.intents[0].reasons
    price = analyse("Bonjour, quel est le tarif pour un séminaire de deux jours ?")
    assert "demande un prix" in price.intents[0].reasons
    assert "demande de devis" not in price.intents[0].reasons


def test_reasons_without_cue_quote_words_of_the_message() -> None:
    analysis = analyse("Joyeux anniversaire à la boutique, déjà dix ans !")
    reasons = " ".join(analysis.intents[0].reasons)
    quoted = reasons.split("« ")[1:]
    assert quoted, reasons
    for part in quoted:
        word = part.split(" »")[0]
        assert word.lower() in "joyeux anniversaire à la boutique, déjà dix ans !".lower()


def test_batch_and_single_give_the_same_result() -> None:
    texts = [text for text, _ in INTENT_EXAMPLES]
    assert analyse_many(texts) == [analyse(text) for text in texts]


def test_to_dict_is_json_ready() -> None:
    data = analyse("Vous recrutez des alternants ?", lang_hint="fr").to_dict()
    assert data["intents"][0] == "job_application"
    assert set(data) >= {"language", "sentiment", "sentiment_score", "intents", "scores", "reasons"}
    assert set(data["reasons"]) == set(data["intents"])
