"""A small French and English polarity lexicon, used as features of the sentiment head.

Words and emoji are listed in folded form (lower case, no accents). A polar word preceded
within three tokens by a negation ("pas", "jamais", "not"...) counts for the other side, so
"pas terrible" and "not bad" are not read as their head word. Written for Parvis by the
project; it does not copy any published lexicon.
"""

from __future__ import annotations

from collections.abc import Sequence

POSITIVE = frozenset(
    [
        "merci",
        "bravo",
        "super",
        "top",
        "genial",
        "geniale",
        "geniaux",
        "excellent",
        "excellente",
        "parfait",
        "parfaite",
        "parfaitement",
        "magnifique",
        "magnifiques",
        "sublime",
        "superbe",
        "ravi",
        "ravie",
        "ravis",
        "contente",
        "content",
        "contents",
        "satisfait",
        "satisfaite",
        "adore",
        "adorable",
        "adorons",
        "aime",
        "recommande",
        "recommandons",
        "recommander",
        "impeccable",
        "nickel",
        "delicieux",
        "delicieuse",
        "incroyable",
        "formidable",
        "chaleureux",
        "chaleureuse",
        "sympa",
        "agreable",
        "beau",
        "belle",
        "beaux",
        "belles",
        "bon",
        "bonne",
        "bons",
        "bonnes",
        "meilleur",
        "meilleure",
        "meilleurs",
        "plaisir",
        "bluffe",
        "conquis",
        "conquise",
        "efficace",
        "efficaces",
        "rapide",
        "professionnel",
        "professionnels",
        "pro",
        "pros",
        "soigne",
        "soignee",
        "fan",
        "coeur",
        "felicitations",
        "chapeau",
        "bien",
        "top.top",
        "hate",
        "joyeux",
        "joyeuse",
        "heureux",
        "heureuse",
        "fier",
        "fiere",
        "fiers",
        "thanks",
        "thank",
        "love",
        "loved",
        "lovely",
        "great",
        "amazing",
        "awesome",
        "perfect",
        "excellent",
        "wonderful",
        "best",
        "beautiful",
        "fantastic",
        "happy",
        "glad",
        "recommend",
        "stunning",
        "incredible",
        "brilliant",
        "nice",
        "kind",
        "friendly",
        "superb",
        "delicious",
        "impressed",
        "enjoyed",
        "worth",
    ]
)
NEGATIVE = frozenset(
    [
        "decu",
        "decue",
        "decus",
        "decevant",
        "decevante",
        "nul",
        "nulle",
        "nuls",
        "inadmissible",
        "inacceptable",
        "scandaleux",
        "scandale",
        "honte",
        "honteux",
        "lamentable",
        "mauvais",
        "mauvaise",
        "pire",
        "catastrophe",
        "catastrophique",
        "horrible",
        "affreux",
        "galere",
        "furieux",
        "furieuse",
        "enerve",
        "enervee",
        "agace",
        "colere",
        "arnaque",
        "escroquerie",
        "menteur",
        "mensongere",
        "casse",
        "cassee",
        "abime",
        "abimee",
        "defectueux",
        "defectueuse",
        "panne",
        "retard",
        "sale",
        "sales",
        "froid",
        "froide",
        "rassis",
        "desagreable",
        "impoli",
        "malpoli",
        "incompetent",
        "incompetents",
        "probleme",
        "problemes",
        "souci",
        "soucis",
        "triste",
        "dommage",
        "marre",
        "pas.serieux",
        "jamais",
        "plainte",
        "rembourse",
        "remboursement",
        "perdu",
        "perdue",
        "bloque",
        "bloquee",
        "erreur",
        "faux",
        "fausse",
        "insupportable",
        "invivable",
        "abuse",
        "abusif",
        "injoignable",
        "ignore",
        "disappointed",
        "disappointing",
        "terrible",
        "awful",
        "worst",
        "bad",
        "horrible",
        "broken",
        "damaged",
        "late",
        "never",
        "rude",
        "unacceptable",
        "useless",
        "angry",
        "annoyed",
        "scam",
        "wrong",
        "poor",
        "dirty",
        "cold",
        "sad",
        "unfortunately",
        "problem",
        "issue",
        "refund",
        "waiting",
        "lost",
        "ridiculous",
    ]
)
POSITIVE_EMOJI = frozenset("😍🥰😊🙂😀😃😄😁😆😂🤣😋🤩😎👍👏🙌🙏💯✨🔥❤💕💖💙💚🎉🥳👌💪☀🌟⭐🤤💃✅")
NEGATIVE_EMOJI = frozenset("😡😠🤬😤🙄😞😢😭😩😫💔👎😒😕🙃😱🥶😬")
NEGATIONS = frozenset(
    {
        "pas",
        "jamais",
        "plus",
        "aucun",
        "aucune",
        "sans",
        "not",
        "no",
        "never",
        "isn't",
        "wasn't",
        "don't",
        "didn't",
        "doesn't",
        "ni",
    }
)


CONTRASTS = frozenset({"mais", "but", "however", "cependant", "pourtant", "neanmoins", "though"})


def polarity_features(words: Sequence[str]) -> list[str]:
    """Return ``pol:`` features for the polar words and emoji of a token sequence.

    After a contrast word ("mais", "but"), the tail of the message usually carries the
    writer's verdict ("un peu cher mais la qualité est là"): its polarity is added as
    ``pol:tail_pos`` / ``pol:tail_neg``.
    """
    found, positives, negatives = _count(words)
    contrast = max((i for i, word in enumerate(words) if word in CONTRASTS), default=-1)
    if contrast >= 0:
        _, tail_positives, tail_negatives = _count(words[contrast + 1 :])
        if tail_positives > tail_negatives:
            found.add("pol:tail_pos")
        elif tail_negatives > tail_positives:
            found.add("pol:tail_neg")
    if positives and negatives:
        found.add("pol:mixed")
    if positives >= 2 and not negatives:
        found.add("pol:pos_strong")
    if negatives >= 2 and not positives:
        found.add("pol:neg_strong")
    return sorted(found)


def _count(words: Sequence[str]) -> tuple[set[str], int, int]:
    """Polar features of ``words`` and the number of positive and negative hits."""
    found: set[str] = set()
    positives = negatives = 0
    for i, word in enumerate(words):
        if word in POSITIVE:
            side = "pos"
        elif word in NEGATIVE:
            side = "neg"
        elif word in POSITIVE_EMOJI:
            found.add("pol:emo_pos")
            positives += 1
            continue
        elif word in NEGATIVE_EMOJI:
            found.add("pol:emo_neg")
            negatives += 1
            continue
        else:
            continue
        if any(w in NEGATIONS for w in words[max(0, i - 3) : i]):
            side = "neg" if side == "pos" else "negated_neg"
            found.add("pol:negated")
        found.add("pol:" + side)
        if side == "pos":
            positives += 1
        elif side == "neg":
            negatives += 1
    return found, positives, negatives
