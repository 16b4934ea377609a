"""Check a draft against a network's :class:`Capabilities` before it is scheduled.

:func:`validate` never raises: it returns every problem at once, each with a French message
that says what to change, so the composer can show them all beside the right field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.core.vocabulary import NETWORK_LABELS
from parvis.networks.capabilities import Capabilities, ImageRules, TextCounting, VideoRules
from parvis.networks.contracts import Draft, MediaFile, ValidationIssue
from parvis.networks.text import hashtags, mentions, text_length, utf8_length

NNBSP = "\u202f"  # French thousands separator and space before « ; : ! ? »

# The longest text Parvis takes in (a post, a variant for one account, a first comment), in
# characters (code points). It must hold the longest post a network accepts, Facebook's
# 63,206 characters, with room to paste a longer text and cut it down in the composer; beyond
# it, checking and adapting a text against each chosen account would only cost server time for
# a text that no network publishes. docs/benchmarks.md gives what checking one costs.
MAX_TEXT_LENGTH = 100_000


def fr_number(value: float) -> str:
    """12345.6 -> '12 345,6' with narrow no-break spaces, as French typography wants."""
    text = f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    return text.replace(",", NNBSP).replace(".", ",")


def _mb(size: int) -> str:
    return f"{fr_number(round(size / (1024 * 1024), 1))}{NNBSP}Mo"


def effective_text(draft: Draft, capabilities: Capabilities) -> str:
    """The text as it will be sent: where links live in the text, the link is appended once."""
    if draft.link and capabilities.link_in_text and draft.link not in draft.text:
        return f"{draft.text.rstrip()}\n\n{draft.link}" if draft.text.strip() else draft.link
    return draft.text


def validate(draft: Draft, capabilities: Capabilities) -> list[ValidationIssue]:
    """Every reason ``draft`` cannot be published on ``capabilities.network`` (empty = OK).

    A text longer than :data:`MAX_TEXT_LENGTH` gets that one issue and is not counted.
    """
    return check(draft, capabilities).issues


@dataclass(frozen=True)
class Checked:
    """What :func:`check` found: the issues, and the length of the text as it will be sent,
    in the network's unit (in characters when it is over :data:`MAX_TEXT_LENGTH`)."""

    issues: list[ValidationIssue]
    length: int


def check(draft: Draft, capabilities: Capabilities) -> Checked:
    """:func:`validate`, with the length it counted (the composer shows it)."""
    text = effective_text(draft, capabilities)
    # The limit is on what was typed; the link a network gets appended does not count.
    refusal = over_maximum(draft.text)
    length = len(text) if refusal is not None else text_length(text, capabilities)
    issues = [
        *([refusal] if refusal is not None else _text_issues(text, length, capabilities)),
        *_title_issues(draft, capabilities),
        *_first_comment_issues(draft, capabilities),
        *_media_issues(draft.media, capabilities),
    ]
    return Checked(issues, length)


def over_maximum(text: str, *, field: str = "text") -> ValidationIssue | None:
    """The refusal of a text longer than :data:`MAX_TEXT_LENGTH`, or None."""
    if len(text) <= MAX_TEXT_LENGTH:
        return None
    values = {"length": fr_number(len(text)), "maximum": fr_number(MAX_TEXT_LENGTH)}
    if field == "first_comment":
        message = _(
            "The first comment is %(length)s characters long; Parvis accepts %(maximum)s at "
            "most: shorten it."
        )
    else:
        message = _(
            "The text is %(length)s characters long; Parvis accepts %(maximum)s at most: "
            "shorten it."
        )
    return ValidationIssue(f"{field}_over_maximum", message % values, field=field)


def too_long_message(length: int, caps: Capabilities, *, first_comment: bool = False) -> str:
    """What to remove from a text (or a first comment) over the network's limit, in the unit
    the network counts, saying what counts more than one character."""
    network = NETWORK_LABELS[caps.network]
    excess = length - caps.text_limit
    values = {
        "length": fr_number(length),
        "limit": fr_number(caps.text_limit),
        "excess": fr_number(excess),
        "network": network,
        "url": caps.url_length,
    }
    if first_comment:
        what = _("The first comment is %(length)s characters long on %(network)s") % values
    else:
        what = _("The text is %(length)s characters long on %(network)s") % values
    if caps.counting is TextCounting.X_WEIGHTED:
        # twitter-text v3: a code point outside Latin, Greek, Cyrillic, Hebrew, Arabic, Indic
        # scripts and common punctuation weighs 2 (Chinese, Japanese, Korean, €, …), an
        # emoji sequence weighs 2, a link 23.
        advice = ngettext(
            "%(limit)s at most: remove the equivalent of %(excess)s character. %(network)s "
            "counts each emoji, each Chinese, Japanese or Korean character and some symbols "
            "(such as €) as two characters, and each link as %(url)s, whatever its length.",
            "%(limit)s at most: remove the equivalent of %(excess)s characters. %(network)s "
            "counts each emoji, each Chinese, Japanese or Korean character and some symbols "
            "(such as €) as two characters, and each link as %(url)s, whatever its length.",
            excess,
        )
    elif caps.counting is TextCounting.MASTODON:
        advice = ngettext(
            "%(limit)s at most: remove the equivalent of %(excess)s character (each link "
            "counts as %(url)s).",
            "%(limit)s at most: remove the equivalent of %(excess)s characters (each link "
            "counts as %(url)s).",
            excess,
        )
    elif caps.counting is TextCounting.LINKEDIN_ESCAPED:
        advice = ngettext(
            "%(limit)s at most: remove the equivalent of %(excess)s character (the symbols "
            "\\ | { } @ [ ] ( ) < > # * _ ~ count as two).",
            "%(limit)s at most: remove the equivalent of %(excess)s characters (the symbols "
            "\\ | { } @ [ ] ( ) < > # * _ ~ count as two).",
            excess,
        )
    else:
        advice = ngettext(
            "%(limit)s at most: remove %(excess)s character.",
            "%(limit)s at most: remove %(excess)s characters.",
            excess,
        )
    return _("%(what)s, %(advice)s") % {"what": what, "advice": advice % values}


def _text_issues(text: str, length: int, caps: Capabilities) -> Iterator[ValidationIssue]:
    network = NETWORK_LABELS[caps.network]
    if not text.strip():
        if caps.text_required and not caps.media_required:
            yield ValidationIssue("text_empty", f"Le texte est vide{NNBSP}: écrivez votre message.")
        return
    if length > caps.text_limit:
        yield ValidationIssue("text_too_long", too_long_message(length, caps))
    if caps.text_byte_limit is not None and utf8_length(text) > caps.text_byte_limit:
        excess = utf8_length(text) - caps.text_byte_limit
        yield ValidationIssue(
            "text_too_many_bytes",
            f"Le texte occupe {fr_number(utf8_length(text))} octets sur {network}, "
            f"{fr_number(caps.text_byte_limit)} au maximum{NNBSP}: raccourcissez-le "
            f"d’environ {fr_number(excess)} octets (un accent ou un emoji en occupe 2 à 4).",
        )
    yield from _count_issue("hashtags", len(hashtags(text)), caps.max_hashtags, network)
    yield from _count_issue("mentions", len(mentions(text)), caps.max_mentions, network)
    for char in caps.forbidden_characters:
        if char in text:
            yield ValidationIssue(
                "text_forbidden_character",
                f"Le caractère « {char} » est interdit sur {network}{NNBSP}: retirez-le du texte.",
            )


def _count_issue(
    what: str, count: int, limit: int | None, network: str
) -> Iterator[ValidationIssue]:
    if limit is not None and count > limit:
        yield ValidationIssue(
            f"too_many_{what}",
            f"Le texte contient {count} {what}, {limit} au maximum sur {network}{NNBSP}: "
            f"retirez-en {count - limit}.",
        )


def _title_issues(draft: Draft, caps: Capabilities) -> Iterator[ValidationIssue]:
    if caps.title_limit is None:
        return
    network = NETWORK_LABELS[caps.network]
    title = (draft.title or "").strip()
    if not title:
        yield ValidationIssue(
            "title_missing", f"{network} demande un titre{NNBSP}: ajoutez-en un.", field="title"
        )
    elif len(title) > caps.title_limit:
        yield ValidationIssue(
            "title_too_long",
            f"Le titre fait {len(title)} caractères, {caps.title_limit} au maximum sur "
            f"{network}{NNBSP}: retirez {len(title) - caps.title_limit} caractères.",
            field="title",
        )


def _first_comment_issues(draft: Draft, caps: Capabilities) -> Iterator[ValidationIssue]:
    if not draft.first_comment:
        return
    network = NETWORK_LABELS[caps.network]
    if not caps.first_comment:
        yield ValidationIssue(
            "first_comment_unsupported",
            f"{network} ne permet pas de publier un premier commentaire{NNBSP}: retirez-le.",
            field="first_comment",
        )
        return
    refusal = over_maximum(draft.first_comment, field="first_comment")
    if refusal is not None:
        yield refusal
        return
    length = text_length(draft.first_comment, caps)
    if length > caps.text_limit:
        yield ValidationIssue(
            "first_comment_too_long",
            too_long_message(length, caps, first_comment=True),
            field="first_comment",
        )


def _media_issues(media: tuple[MediaFile, ...], caps: Capabilities) -> Iterator[ValidationIssue]:
    network = NETWORK_LABELS[caps.network]
    if caps.media_required and not media:
        yield ValidationIssue(
            "media_required",
            f"{network} ne publie pas de texte seul{NNBSP}: ajoutez une image ou une vidéo.",
            field="media",
        )
    videos = [m for m in media if m.is_video]
    images = [m for m in media if not m.is_video]
    if caps.gif_or_video_alone and len(media) > 1 and any(m.is_video or m.is_gif for m in media):
        yield ValidationIssue(
            "media_video_alone",
            f"Sur {network}, une vidéo ou un GIF se publie seul{NNBSP}: "
            "retirez les autres médias ou faites deux publications.",
            field="media",
        )
    for kind, items, limit in (
        ("images", images, caps.max_images),
        ("vidéos", videos, caps.max_videos),
    ):
        if len(items) > limit:
            advice = f"retirez-en {len(items) - limit}" if limit else "retirez-les"
            yield ValidationIssue(
                f"too_many_{'images' if kind == 'images' else 'videos'}",
                f"{network} accepte {limit} {kind} au maximum par publication{NNBSP}: {advice}.",
                field="media",
            )
    for position, item in enumerate(media, start=1):
        if item.is_video and caps.videos is not None:
            yield from _video_issues(position, item, caps.videos, network)
        elif not item.is_video and caps.images is not None:
            yield from _image_issues(position, item, caps.images, network)
        if caps.alt_text_limit is not None and len(item.alt_text) > caps.alt_text_limit:
            yield ValidationIssue(
                "alt_text_too_long",
                f"Le texte alternatif du média {position} fait {len(item.alt_text)} caractères, "
                f"{caps.alt_text_limit} au maximum sur {network}{NNBSP}: raccourcissez-le.",
                field="media",
            )


def _image_issues(
    position: int, image: MediaFile, rules: ImageRules, network: str
) -> Iterator[ValidationIssue]:
    name = f"L’image {position}"
    if image.mime not in rules.mime_types:
        formats = ", ".join(sorted(m.split("/")[1].upper() for m in rules.mime_types))
        yield _media_issue(
            "image_format",
            f"{name} est au format {image.mime}, refusé par {network}{NNBSP}: "
            f"convertissez-la ({formats}).",
        )
    limit = rules.gif_max_bytes if image.is_gif and rules.gif_max_bytes else rules.max_bytes
    if image.size > limit:
        yield _media_issue(
            "image_too_heavy",
            f"{name} pèse {_mb(image.size)}, {_mb(limit)} au maximum sur {network}{NNBSP}: "
            "compressez-la ou réduisez ses dimensions.",
        )
    if image.width is None or image.height is None or image.height == 0:
        return
    if rules.min_width is not None and image.width < rules.min_width:
        yield _media_issue(
            "image_too_narrow",
            f"{name} fait {image.width}{NNBSP}px de large, {rules.min_width}{NNBSP}px au minimum "
            f"sur {network}{NNBSP}: choisissez une image plus grande.",
        )
    if rules.max_width is not None and image.width > rules.max_width:
        yield _media_issue(
            "image_too_wide",
            f"{name} fait {image.width}{NNBSP}px de large, {rules.max_width}{NNBSP}px au maximum "
            f"sur {network}{NNBSP}: redimensionnez-la.",
        )
    if rules.max_pixels is not None and image.width * image.height > rules.max_pixels:
        yield _media_issue(
            "image_too_many_pixels",
            f"{name} compte {fr_number(image.width * image.height)} pixels, "
            f"{fr_number(rules.max_pixels)} au maximum sur {network}{NNBSP}: redimensionnez-la.",
        )
    yield from _ratio_issue(name, "image", image, rules.min_ratio, rules.max_ratio, network)


def _video_issues(
    position: int, video: MediaFile, rules: VideoRules, network: str
) -> Iterator[ValidationIssue]:
    name = f"La vidéo {position}"
    if video.mime not in rules.mime_types:
        formats = ", ".join(sorted(m.split("/")[1].upper() for m in rules.mime_types))
        yield _media_issue(
            "video_format",
            f"{name} est au format {video.mime}, refusé par {network}{NNBSP}: "
            f"convertissez-la ({formats}).",
        )
    if video.size > rules.max_bytes:
        yield _media_issue(
            "video_too_heavy",
            f"{name} pèse {_mb(video.size)}, {_mb(rules.max_bytes)} au maximum sur "
            f"{network}{NNBSP}: compressez-la ou raccourcissez-la.",
        )
    if rules.min_bytes is not None and video.size < rules.min_bytes:
        yield _media_issue(
            "video_too_light",
            f"{name} pèse {fr_number(video.size)} octets, trop peu pour {network}{NNBSP}: "
            "exportez-la en meilleure qualité.",
        )
    if video.duration is not None:
        if rules.max_seconds is not None and video.duration > rules.max_seconds:
            yield _media_issue(
                "video_too_long",
                f"{name} dure {fr_number(round(video.duration, 1))}{NNBSP}s, "
                f"{fr_number(rules.max_seconds)}{NNBSP}s au maximum sur {network}{NNBSP}: "
                f"coupez-en {fr_number(round(video.duration - rules.max_seconds, 1))}{NNBSP}s.",
            )
        if rules.min_seconds is not None and video.duration < rules.min_seconds:
            yield _media_issue(
                "video_too_short",
                f"{name} dure {fr_number(round(video.duration, 1))}{NNBSP}s, "
                f"{fr_number(rules.min_seconds)}{NNBSP}s au minimum sur {network}{NNBSP}: "
                "choisissez une vidéo plus longue.",
            )
    if video.width and video.height:
        too_big = (rules.max_width is not None and video.width > rules.max_width) or (
            rules.max_height is not None and video.height > rules.max_height
        )
        if too_big:
            yield _media_issue(
                "video_too_large",
                f"{name} mesure {video.width}×{video.height}{NNBSP}px, au plus "
                f"{rules.max_width}×{rules.max_height}{NNBSP}px sur {network}{NNBSP}: "
                "réduisez sa définition.",
            )
        yield from _ratio_issue(name, "video", video, rules.min_ratio, rules.max_ratio, network)


def _ratio_issue(
    name: str,
    kind: str,
    item: MediaFile,
    min_ratio: float | None,
    max_ratio: float | None,
    network: str,
) -> Iterator[ValidationIssue]:
    if not item.width or not item.height:
        return
    ratio = item.width / item.height
    if min_ratio is not None and ratio < min_ratio - 1e-3:
        yield _media_issue(
            f"{kind}_too_tall",
            f"{name} est trop haute pour {network} (rapport largeur/hauteur "
            f"{fr_number(round(ratio, 2))}, minimum {fr_number(round(min_ratio, 2))}){NNBSP}: "
            "recadrez-la plus large.",
        )
    if max_ratio is not None and ratio > max_ratio + 1e-3:
        yield _media_issue(
            f"{kind}_too_wide_ratio",
            f"{name} est trop large pour {network} (rapport largeur/hauteur "
            f"{fr_number(round(ratio, 2))}, maximum {fr_number(round(max_ratio, 2))}){NNBSP}: "
            "recadrez-la plus haute.",
        )


def _media_issue(code: str, message: str) -> ValidationIssue:
    return ValidationIssue(code, message, field="media")
