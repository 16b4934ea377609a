"""Cue phrases: high-precision patterns that hint at an intent, each with a readable reason.

Cues do two jobs. They are features of the statistical model (``cue:NAME``), so the model
learns how much each one weighs against the rest of the message; and when the model returns an
intent, the cues of that intent that matched become the reasons shown to a person
("demande de devis", "mentionne un CV"). Patterns run on folded text (lower case, no accents,
see :func:`parvis.insight.text.fold`) plus the placeholder tokens of
:func:`parvis.insight.text.normalise`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parvis.core.vocabulary import Intent
from parvis.insight.cue_filter import required_pieces


@dataclass(frozen=True, slots=True)
class Cue:
    """One pattern, the intent it points to, and the French reason shown when it fires."""

    name: str
    intent: Intent
    pattern: re.Pattern[str]
    reason: str


def _cue(name: str, intent: Intent, pattern: str, reason: str) -> Cue:
    return Cue(name, intent, re.compile(pattern), reason)


_P = Intent.PURCHASE_INTENT
_J = Intent.JOB_APPLICATION
_C = Intent.COMPLAINT
_Q = Intent.QUESTION
_G = Intent.PRAISE
_S = Intent.SPAM
_O = Intent.OTHER

CUES: tuple[Cue, ...] = (
    _cue("quote", _P, r"\b(devis|quote|quotation|estimation chiffree)\b", "demande de devis"),
    _cue(
        "price",
        _P,
        r"\b(prix|tarifs?|combien (ca )?(coute|couterait|vous prenez|pour|ca fait|facturez)"
        r"|cout|how much|price|pricing|rates)\b",
        "demande un prix",
    ),
    _cue(
        "order",
        _P,
        r"\b(commander|passer (une )?commande|acheter|achete[rz]?|precommande|pre-commande"
        r"|reserver|reservation|privatiser|order|buy|purchase|pre-order|book|booking)\b",
        "veut commander ou réserver",
    ),
    _cue(
        "supplier",
        _P,
        r"\b(fournisseurs?|prestataires?|sous-traitants?|distribu(er|teur|teurs)|revendeurs?"
        r"|grossistes?|ugap|appel d'offres?|suppliers?|distributors?|wholesale|resell)\b",
        "cherche un fournisseur ou un partenaire",
    ),
    _cue(
        "callback",
        _P,
        r"\b(demo|demonstration|rappeler|recontacter|me contacter|nous contacter|rendez-vous"
        r"|rdv|essai gratuit|call me|call back|trial|get in touch)\b",
        "demande une démo ou un rappel",
    ),
    _cue(
        "sized_need",
        _P,
        r"\bnumtok ?(personnes|pers|pieces|unites|m2|m²|metres|ml|couverts|exemplaires|units"
        r"|pcs|people|guests|licences|postes|salaries|utilisateurs|users|kg|tonnes?|palettes)\b",
        "décrit un besoin chiffré",
    ),
    _cue(
        "project",
        _P,
        r"\b(projet de|notre projet|mon projet|je (voudrais|souhaiterais|souhaite) (faire|installer"
        r"|renover|equiper|commander|acheter)|we('d| would) like to (order|buy)|interested in)\b",
        "décrit un projet d’achat",
    ),
    _cue(
        "wants_it",
        _P,
        r"\b(je le veux|je la veux|je les veux|je le prends|je la prends|je prends|je l'achete"
        r"|i want it|i'll take it|i'll take one|take my money)\b",
        "veut acheter",
    ),
    _cue(
        "cv",
        _J,
        r"\b(cv|curriculum|resume|lettre de motivation|cover letter|portfolio)\b",
        "mentionne un CV",
    ),
    _cue(
        "application",
        _J,
        r"\b(candidature|postul\w*|candidat|candidate|apply|applied|application|job application)\b",
        "parle de candidature",
    ),
    _cue(
        "hiring",
        _J,
        r"\b(recrute[zs]?|recrutement|embauche[zs]?|hiring|hire|vacancy|vacancies"
        r"|offre d'emploi|un emploi|un job|un poste|le poste|job offer|open position)\b",
        "cherche un emploi",
    ),
    _cue(
        "internship",
        _J,
        r"\b(stages?|stagiaire|alternance|alternant\w*|apprenti\w*|apprentissage|internship"
        r"|intern|work-study|saisonnier|job d'ete|summer job)\b",
        "cherche un stage ou une alternance",
    ),
    _cue(
        "available_to_work",
        _J,
        r"\b(je suis disponible|dispo de suite|je peux commencer|peux commencer"
        r"|available to start|freelance|en interim|mon experience|(\d+|numtok) ans d'experience"
        r"|years of experience)\b",
        "propose de travailler",
    ),
    _cue("interview", _J, r"\b(entretien|interview)\b", "parle d’un entretien"),
    _cue(
        "late",
        _C,
        r"((toujours|jamais) (pas )?(recu|arrive|livre)|pas (encore )?(recu|ete livre)|en retard"
        r"|retard|still (not|haven't|hasn't|waiting)|never (arrived|received)|late|delayed"
        r"|j'attends|on attend|depuis numtok (jours|semaines|mois))",
        "signale un retard ou une commande non reçue",
    ),
    _cue(
        "broken",
        _C,
        r"\b(casse|cassee|abime|abimee|defectueu\w*|ne (marche|fonctionne) (plus|pas)|panne"
        r"|broken|damaged|defective|doesn't work|not working|stopped working|bug\w*|plante"
        r"|fuite|manquant\w*|missing|erreur|error|bloque)\b",
        "signale un défaut ou une panne",
    ),
    _cue(
        "refund",
        _C,
        r"\b(rembours\w*|refund\w*|avoir|litige|preleve|debite|charged|facture\w* deux fois"
        r"|double paiement|annulee?|cancell?ed|resilier|resiliation)\b",
        "parle de remboursement ou de facturation",
    ),
    _cue(
        "no_answer",
        _C,
        r"((aucune|pas de|sans) reponse|personne ne (repond|decroche|rappelle)|no (answer|response"
        r"|reply)|nobody (answers|replies|responds)|ignored|injoignable|vous existez)",
        "se plaint de l’absence de réponse",
    ),
    _cue(
        "dissatisfied",
        _C,
        r"\b(decu|decue|decevant\w*|inadmissible|scandal\w*|honteu\w*|inacceptable|nul|nulle"
        r"|arnaque|mecontent\w*|lamentable|catastroph\w*|pas serieux|disappointed|disappointing"
        r"|unacceptable|terrible|worst|awful|rip-?off|horrible|furieu\w*|pas normal)\b",
        "exprime un mécontentement",
    ),
    _cue("never_again", _C, r"(plus jamais|never again|dernier achat)", "annonce ne plus revenir"),
    _cue(
        "question_word",
        _Q,
        r"\b(est-ce que|est ce que|comment|pourquoi|quand|quel|quelle|quels|quelles"
        r"|combien de temps|how|what|when|where|which|can i|do you|is it|are you|does"
        r"|savez-vous|pouvez-vous)\b",
        "pose une question",
    ),
    _cue("question_mark", _Q, r"\?", "pose une question"),
    _cue(
        "opening_hours",
        _Q,
        r"\b(horaires?|ouvert\w*|fermez|ferme le|fermeture|opening hours|open on|open today)\b",
        "demande des horaires",
    ),
    _cue(
        "availability",
        _Q,
        r"\b(dispo|disponible|en stock|reste-t-il|il reste|available|in stock|sold out|rupture)\b",
        "demande une disponibilité",
    ),
    _cue("thanks", _G, r"\b(merci|thanks|thank you|thx|mrc|mci|remercie\w*)\b", "remercie"),
    _cue(
        "compliment",
        _G,
        r"\b(bravo|felicitations|genial\w*|super|top|excellent\w*|parfait\w*|magnifique|au top"
        r"|incroyable|delicieu\w*|sublime|amazing|great|awesome|love|adore|ravi|ravie|wonderful"
        r"|perfect|beautiful|fantastic|impeccable|nickel|trop bien|tres bien|bon travail)\b",
        "fait un compliment",
    ),
    _cue(
        "recommend",
        _G,
        r"\b(recommande\w*|conseille vivement|je conseille|recommend\w*|numtok etoiles|five stars"
        r"|numtok stars)\b",
        "recommande l’entreprise",
    ),
    _cue("short_link", _S, r"\burlshort\b", "contient un lien raccourci"),
    _cue(
        "crypto",
        _S,
        r"\b(crypto\w*|bitcoin|btc|forex|trading|trader|investis\w*|invest\w*|mentor|nft"
        r"|rendement|profits?|x ?numtok)\b",
        "parle de crypto ou de placement",
    ),
    _cue(
        "audience_selling",
        _S,
        r"\b(followers|abonnes|likes|vues|views|visibilite|promote|promouvoir|boost\w*|shoutout"
        r"|collab|seo|referencement|backlinks?|premiere page|first page)\b",
        "vend de la visibilité ou un service non sollicité",
    ),
    _cue(
        "bait",
        _S,
        r"\b(gagne[rz]?|gagnez|earn|win|winner|gagnant|gratuit\w*|free|cadeau|prize|jackpot|iphone"
        r"|cliquez|click|offre limitee|felicitations vous)\b",
        "promet de l’argent ou un cadeau",
    ),
    _cue(
        "redirect",
        _S,
        r"\b(whatsapp|telegram|dm me|dm moi|check my profile|mon profil|voir mon profil|en mp"
        r"|inbox me|private pics|contact her|contactez-le|contactez-la|lien (dans|en) (ma )?bio"
        r"|link in (my |our )?bio|check (my|our) bio|via ce lien)\b",
        "renvoie vers une messagerie ou un profil",
    ),
    _cue(
        "community",
        _O,
        r"\b(quelqu'un (a|sait|connait|va|vient)|qui se souvient|qui se rappelle|qui vient|qui va"
        r"|on se voit|anyone (else|know|going)|who else|who remembers|vous avez vu)\b",
        "s’adresse aux autres abonnés",
    ),
)

CUES_BY_NAME: dict[str, Cue] = {cue.name: cue for cue in CUES}
# For each cue, pieces every match contains (None: always run it); see cue_filter.
_NEEDED = tuple(required_pieces(cue.pattern) for cue in CUES)


def matched_cues(folded: str) -> list[Cue]:
    """Return the cues whose pattern occurs in ``folded`` text, in :data:`CUES` order."""
    contains = folded.__contains__  # any(map(...)) keeps the pre-check's loop in C
    return [
        cue
        for cue, needed in zip(CUES, _NEEDED, strict=True)
        if (needed is None or any(map(contains, needed))) and cue.pattern.search(folded)
    ]


def shouting(cleaned: str) -> bool:
    """True when most cased letters of a message of some length are capitals ("GAGNEZ 5000€")."""
    # Counting through map() keeps the loop in C: this runs on every message.
    upper = sum(map(str.isupper, cleaned))
    letters = upper + sum(map(str.islower, cleaned))
    if letters < 12:
        return False
    return upper / letters > 0.6
