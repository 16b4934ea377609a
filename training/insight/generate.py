"""Generate the training set of inbox messages from templates, fragments and noise.

Run ``parvis insight generate`` (or ``python -m training.insight.generate``) from a source
checkout to rewrite ``training/insight/data/messages_train.tsv``. The output depends only on
the seed, so the file in the repository can be checked against a fresh run.

Three sources, all written for Parvis by the project:

* whole-message templates per intent (:mod:`.templates`), filled with sector vocabulary;
* compositional messages (greeting + core + closing) per intent, so the model does not learn
  whole sentences by heart;
* noise applied afterwards as people write on social networks: no accents, lower case, SMS
  abbreviations, a typo, a missing final punctuation, an emoji.

This data is made to *train*; figures are reported on a hand-written held-out set kept under
``bench/data/insight/`` and on the shared development set, never on this file.
"""

from __future__ import annotations

import argparse
import csv
import random
import string
from collections.abc import Callable
from pathlib import Path

from parvis.insight.text import fold
from training.insight import lexicon as lx
from training.insight.templates import NEG, NEU, POS, TEMPLATES, Template

DATA_DIR = Path(__file__).resolve().parent / "data"
OUTPUT = DATA_DIR / "messages_train.tsv"
SEED = 20261126
PER_INTENT = 700
ENGLISH_SHARE = 0.2

FR_GREETINGS = ("Bonjour, ", "Bonjour ", "Bonsoir, ", "Salut ", "Hello ", "Bjr ", "Coucou ", "")
EN_GREETINGS = ("Hi, ", "Hello ", "Hey ", "Hi there, ", "")
FR_CLOSINGS = (" Merci d'avance.", " Cordialement.", " Bonne journée.", " Merci", " svp", "")
EN_CLOSINGS = (" Thanks.", " Thanks in advance!", " Cheers", "")

SMS = {
    "vous": "vs",
    "pour": "pr",
    "bonjour": "bjr",
    "merci": "mrc",
    "beaucoup": "bcp",
    "quelque": "qq",
    "c'est": "c",
    "s'il vous plaît": "svp",
    "aujourd'hui": "auj",
    "rendez-vous": "rdv",
    "toujours": "tjrs",
    "quand": "qd",
    "je suis": "chui",
    "est-ce que": "esk",
    "pourquoi": "pq",
    "salut": "slt",
    "disponible": "dispo",
    "message": "msg",
}

# Compositional parts: (text, sentiment). A message is greeting + core (+ detail) + closing.
COMPLAINT_CORES: tuple[Template, ...] = (
    ("{thing} {problem}", NEG),
    ("{item} que j'ai reçu {problem}", NEG),
    ("je vous écris parce que {thing} {problem}", NEG),
    ("deuxième fois que {thing} {problem}", NEG),
    ("commande reçue hier, {problem_it}", NEG),
)
COMPLAINT_DETAILS = (
    ", et personne ne répond au téléphone.",
    ". Je veux être remboursé.",
    ". C'est inadmissible.",
    ". Que comptez-vous faire ?",
    " depuis {delay}.",
    ". Je suis très déçue.",
    " {emo_neg}",
    ". J'attends une réponse rapide.",
    "... sérieux ?",
    ". Pas normal pour ce prix-là.",
    ".",
)
PURCHASE_CORES: tuple[Template, ...] = (
    ("je voudrais un devis pour {item}", NEU),
    ("nous aurions besoin de {item} pour {n} {unit}", NEU),
    ("je suis intéressée par {item}", NEU),
    ("on a un projet de {service} à {city}", NEU),
    ("nous recherchons un prestataire pour {service}", NEU),
    ("quel budget faut-il prévoir pour {item}", NEU),
    ("pourriez-vous me faire un prix pour {item}", NEU),
    ("je souhaiterais réserver {item} pour le {n} {month}", NEU),
)
PURCHASE_DETAILS = (
    ", vous pouvez me rappeler ?",
    ". Quels sont vos tarifs ?",
    " ?",
    ". C'est pour une entreprise.",
    ", c'est assez urgent.",
    ". Vous pouvez m'envoyer un devis ?",
    ", livraison sur {city}.",
    ". Mon numéro : 06 72 18 44 09.",
    ", vous êtes disponibles en {month} ?",
    ".",
)
QUESTION_CORES: tuple[Template, ...] = (
    ("est-ce que vous êtes ouverts le {day}", NEU),
    ("vous livrez jusqu'à {city}", NEU),
    ("c'est possible de venir sans rendez-vous", NEU),
    ("{item} est garanti combien de temps", NEU),
    ("comment on fait pour {service_inf}", NEU),
    ("vous avez encore {item} en stock", NEU),
    ("à quelle heure vous fermez le {day}", NEU),
    ("il y a un parking près de la boutique de {city}", NEU),
)
QUESTION_DETAILS = (" ?", " ??", " ? merci", " ? Je n'ai pas trouvé l'info sur le site.", "?")
JOB_CORES: tuple[Template, ...] = (
    ("je cherche un poste de {role} sur {city}", NEU),
    ("je souhaite postuler comme {role}", NEU),
    ("vous auriez une place en alternance pour devenir {role}", NEU),
    ("je vous ai envoyé mon CV pour le poste de {role}", NEU),
    ("je recherche un stage en tant que {role}", NEU),
    ("je suis {role} et je cherche un nouvel emploi", NEU),
)
JOB_DETAILS = (
    ".",
    " ?",
    ", je suis disponible rapidement.",
    ", vous recrutez en ce moment ?",
    ". Je peux passer déposer mon CV ?",
    ", j'ai 5 ans d'expérience.",
    " à partir de {month}.",
)
PRAISE_CORES: tuple[Template, ...] = (
    ("merci pour {item}", POS),
    ("très contents de {service}", POS),
    ("bravo à {name} et à toute l'équipe", POS),
    ("{item} est magnifique", POS),
    ("service au top du début à la fin", POS),
    ("on recommande les yeux fermés", POS),
)
PRAISE_DETAILS = (
    " !",
    " {emo_pos}",
    ", merci encore !",
    ". Vous êtes géniaux.",
    "!!",
    " 👏👏",
    ".",
)

COMPOSED: dict[str, tuple[tuple[Template, ...], tuple[str, ...]]] = {
    "complaint": (COMPLAINT_CORES, COMPLAINT_DETAILS),
    "purchase_intent": (PURCHASE_CORES, PURCHASE_DETAILS),
    "question": (QUESTION_CORES, QUESTION_DETAILS),
    "job_application": (JOB_CORES, JOB_DETAILS),
    "praise": (PRAISE_CORES, PRAISE_DETAILS),
}
SERVICES_INF = (
    "prendre rendez-vous",
    "suivre ma commande",
    "modifier ma réservation",
    "créer un compte",
    "payer en trois fois",
    "récupérer ma facture",
)


def _slots(rng: random.Random) -> dict[str, str]:
    sector = rng.choice(lx.SECTORS)
    name, name2 = rng.sample(lx.FIRST_NAMES, 2)
    item = rng.choice(sector.items)
    return {
        "item": item,
        "thing": rng.choice(sector.things),
        "service": rng.choice(sector.services),
        "service_inf": rng.choice(SERVICES_INF),
        "problem": rng.choice(sector.problems),
        "problem_it": f"{rng.choice(sector.things)} {rng.choice(sector.problems)}",
        "role": rng.choice(sector.roles),
        "unit": rng.choice(sector.units),
        "en_item": rng.choice(sector.en_items),
        "en_problem": rng.choice(sector.en_problems).capitalize(),
        "en_role": rng.choice(sector.en_roles),
        "city": rng.choice(lx.CITIES),
        "name": name,
        "name2": name2,
        "name_lower": fold(name),
        "day": rng.choice(lx.DAYS),
        "en_day": rng.choice(lx.EN_DAYS),
        "month": rng.choice(lx.MONTHS),
        "delay": rng.choice(lx.DELAYS),
        "en_delay": rng.choice(lx.EN_DELAYS),
        "n": str(rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 80, 100, 150))),
        "code": "".join(rng.choices(string.ascii_letters + string.digits, k=6)),
        "emo_pos": rng.choice(lx.POSITIVE_EMOJI),
        "emo_neg": rng.choice(lx.NEGATIVE_EMOJI),
    }


def _strip_accents(text: str) -> str:
    return "".join(fold(c) if c.isalpha() and c.islower() else c for c in text)


def _sms(text: str) -> str:
    lowered = text.lower()
    for long_form, short_form in SMS.items():
        lowered = lowered.replace(long_form, short_form)
    return lowered


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    else:
        words[i] = word[:j] + word[j + 1 :]
    return " ".join(words)


def _noise(text: str, rng: random.Random, english: bool) -> str:
    """Apply the writing habits of social inboxes, each with its own probability."""
    steps: list[tuple[float, Callable[[str], str]]] = [
        (0.10, lambda t: _typo(t, rng)),
        (0.08, lambda t: t.rstrip(".!")),
        (0.10, str.lower),
    ]
    if not english:
        steps += [(0.18, _strip_accents), (0.08, _sms)]
    for probability, step in steps:
        if rng.random() < probability:
            text = step(text)
    return text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _from_template(intent: str, english: bool, rng: random.Random) -> tuple[str, str]:
    template, sentiment = rng.choice(TEMPLATES[intent][1 if english else 0])
    text = template.format(**_slots(rng))
    if not english and intent not in {"other", "spam"} and rng.random() < 0.25:
        greeting = rng.choice(FR_GREETINGS)
        text = greeting + (text[0].lower() + text[1:] if greeting else text)
    if english and intent not in {"other", "spam"} and rng.random() < 0.2:
        greeting = rng.choice(EN_GREETINGS)
        text = greeting + text
    return text, sentiment


def _composed(intent: str, rng: random.Random) -> tuple[str, str]:
    cores, details = COMPOSED[intent]
    slots = _slots(rng)
    core, sentiment = rng.choice(cores)
    text = core.format(**slots) + rng.choice(details).format(**slots)
    greeting = rng.choice(FR_GREETINGS)
    closing = (
        rng.choice(FR_CLOSINGS)
        if intent in {"purchase_intent", "question", "job_application"}
        else ""
    )
    return _capitalise(greeting + text) + closing, sentiment


def generate(seed: int = SEED, per_intent: int = PER_INTENT) -> list[tuple[str, str, str]]:
    """Return ``(text, sentiment, intent)`` rows, deduplicated, in a seed-determined order."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for intent in TEMPLATES:
        produced = 0
        attempts = 0
        while produced < per_intent and attempts < per_intent * 20:
            attempts += 1
            english = rng.random() < ENGLISH_SHARE
            if not english and intent in COMPOSED and rng.random() < 0.35:
                text, sentiment = _composed(intent, rng)
            else:
                text, sentiment = _from_template(intent, english, rng)
            text = _capitalise(_noise(text, rng, english)).strip()
            key = fold(text)
            if key in seen:
                continue
            seen.add(key)
            rows.append((text, sentiment, intent))
            produced += 1
    rng.shuffle(rows)
    return rows


def write(rows: list[tuple[str, str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("# Generated by training/insight/generate.py (seed in the script).\n")
        writer = csv.writer(
            stream, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\"
        )
        writer.writerow(("text", "sentiment", "intent"))
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the insight training messages.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-intent", type=int, default=PER_INTENT)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    rows = generate(args.seed, args.per_intent)
    write(rows, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
