"""validate(): every limit, counted the network's way, with French advice."""

from __future__ import annotations

from parvis.networks.bluesky.limits import CAPABILITIES as BLUESKY
from parvis.networks.capabilities import TextCounting
from parvis.networks.contracts import Draft, MediaFile
from parvis.networks.instagram.limits import CAPABILITIES as INSTAGRAM
from parvis.networks.linkedin.limits import CAPABILITIES as LINKEDIN
from parvis.networks.mastodon.limits import mastodon_capabilities
from parvis.networks.registry import providers
from parvis.networks.validation import NNBSP, effective_text, fr_number, validate
from parvis.networks.x.limits import CAPABILITIES as X
from parvis.networks.youtube.limits import CAPABILITIES as YOUTUBE

MB = 1024 * 1024


def draft(text: str = "Bonjour", **kwargs: object) -> Draft:
    return Draft(text=text, idempotency_key="k", **kwargs)  # type: ignore[arg-type]


def codes(d: Draft, caps: object) -> list[str]:
    return [issue.code for issue in validate(d, caps)]  # type: ignore[arg-type]


def image(mime: str = "image/jpeg", size: int = MB, w: int = 1080, h: int = 1080) -> MediaFile:
    return MediaFile(mime, size, w, h)


def test_x_message_says_what_to_remove_and_what_counts_double() -> None:
    text = "é" * 300 + " " + "字" * 5  # 300 + 1 + 10 weighted
    [issue] = validate(draft(text), X)
    assert issue.message == (
        f"Le texte fait 311 caractères sur X, 280 au maximum{NNBSP}: "
        "retirez l’équivalent de 31 caractères. X compte double chaque emoji, chaque "
        "caractère chinois, japonais ou coréen et certains symboles (comme €), et un lien "
        "compte pour 23 caractères, quelle que soit sa longueur."
    )
    [one_over] = validate(draft("a" * 281), X)
    assert f"280 au maximum{NNBSP}: retirez l’équivalent de 1 caractère. " in one_over.message


def test_each_unit_says_what_counts_more_than_one_character() -> None:
    [linkedin] = validate(draft("(" * 1501), LINKEDIN)
    assert linkedin.message == (
        f"Le texte fait 3{NNBSP}002 caractères sur LinkedIn, 3{NNBSP}000 au maximum{NNBSP}: "
        "retirez l’équivalent de 2 caractères (les symboles \\ | { } @ [ ] ( ) < > # * _ ~ "
        "comptent double)."
    )
    [bluesky] = validate(draft("a" * 301), BLUESKY)
    assert bluesky.message == (
        f"Le texte fait 301 caractères sur Bluesky, 300 au maximum{NNBSP}: retirez 1 caractère."
    )
    first = validate(draft("Bonjour", first_comment="字" * 141), X)
    assert [i.code for i in first] == ["first_comment_too_long"]
    assert first[0].message.startswith("Le premier commentaire fait 282 caractères sur X,")


def test_x_link_counts_23_and_link_field_is_appended() -> None:
    d = draft("a" * 255, link="https://exemple.fr/" + "x" * 200)
    assert effective_text(d, X).endswith(d.link or "")
    assert codes(d, X) == []  # 255 + 2 newlines + 23
    assert codes(draft("a" * 256, link="https://exemple.fr/x"), X) == ["text_too_long"]
    assert effective_text(d, LINKEDIN) == d.text  # LinkedIn takes the link in its own field


def test_bluesky_graphemes_and_bytes() -> None:
    family = "👨\u200d👩\u200d👧\u200d👦"
    assert codes(draft(family * 120), BLUESKY) == []  # 120 graphemes, exactly 3,000 bytes
    assert codes(draft(family * 121), BLUESKY) == ["text_too_many_bytes"]
    assert codes(draft("a" * 301), BLUESKY) == ["text_too_long"]


def test_mastodon_limits_come_from_the_instance() -> None:
    instance = {
        "configuration": {
            "statuses": {
                "max_characters": 1000,
                "max_media_attachments": 6,
                "characters_reserved_per_url": 30,
            },
            "media_attachments": {
                "image_size_limit": 4 * MB,
                "description_limit": 900,
                "supported_mime_types": ["image/png", "video/mp4"],
            },
        }
    }
    caps = mastodon_capabilities(instance)
    assert (caps.text_limit, caps.max_images, caps.url_length) == (1000, 6, 30)
    assert caps.images is not None and caps.images.mime_types == {"image/png"}
    assert codes(draft("a" * 1000), caps) == []
    assert codes(draft("a" * 1001), caps) == ["text_too_long"]
    assert codes(draft("a", media=(image("image/jpeg"),)), caps) == ["image_format"]
    broken = mastodon_capabilities({"configuration": {"statuses": {"max_characters": "lots"}}})
    assert broken.text_limit == 500 and broken.counting is TextCounting.MASTODON
    assert mastodon_capabilities({}).text_limit == 500


def test_instagram_needs_media_and_caps_hashtags_and_mentions() -> None:
    assert codes(draft("Bonjour"), INSTAGRAM) == ["media_required"]
    tags = " ".join(f"#tag{n}x" for n in range(31))
    people = " ".join(f"@user{n}" for n in range(21))
    issues = validate(draft(f"{tags} {people}", media=(image(w=1080, h=1350),)), INSTAGRAM)
    assert [i.code for i in issues] == ["too_many_hashtags", "too_many_mentions"]
    assert "retirez-en 1" in issues[0].message
    assert codes(draft("a" * 2201, media=(image(),)), INSTAGRAM) == ["text_too_long"]


def test_instagram_image_rules() -> None:
    too_tall = image(w=1080, h=1920)
    too_small = image(w=300, h=300)
    heavy = image(size=9 * MB)
    png = image("image/png")
    assert codes(draft("a", media=(too_tall,)), INSTAGRAM) == ["image_too_tall"]
    assert codes(draft("a", media=(too_small,)), INSTAGRAM) == ["image_too_narrow"]
    assert codes(draft("a", media=(heavy,)), INSTAGRAM) == ["image_too_heavy"]
    assert codes(draft("a", media=(png,)), INSTAGRAM) == ["image_format"]
    [issue] = validate(draft("a", media=(heavy,)), INSTAGRAM)
    assert f"9{NNBSP}Mo" in issue.message and f"8{NNBSP}Mo" in issue.message


def test_x_media_combinations_and_video_rules() -> None:
    video = MediaFile("video/mp4", 10 * MB, 1280, 720, duration=150.0)
    assert codes(draft("a", media=(video,)), X) == ["video_too_long"]
    [issue] = validate(draft("a", media=(video,)), X)
    assert f"coupez-en 10{NNBSP}s" in issue.message
    five = tuple(image() for _ in range(5))
    assert codes(draft("a", media=five), X) == ["too_many_images"]
    gif = image("image/gif")
    assert codes(draft("a", media=(gif, image())), X) == ["media_video_alone"]
    assert codes(draft("a", media=(image(size=14 * MB, mime="image/gif"),)), X) == []


def test_youtube_title_description_and_forbidden_characters() -> None:
    video = MediaFile("video/mp4", 100 * MB, 1920, 1080, duration=60)
    assert codes(draft("Description", media=(video,)), YOUTUBE) == ["title_missing"]
    long_title = draft("ok", media=(video,), title="T" * 101)
    assert codes(long_title, YOUTUBE) == ["title_too_long"]
    assert codes(draft("a < b", media=(video,), title="Titre"), YOUTUBE) == [
        "text_forbidden_character"
    ]
    first = draft("ok", media=(video,), title="Titre", first_comment="Lien")
    assert codes(first, YOUTUBE) == ["first_comment_unsupported"]
    assert codes(draft("é" * 2501, media=(video,), title="T"), YOUTUBE) == ["text_too_many_bytes"]


def test_linkedin_counts_escaped_text() -> None:
    assert codes(draft("(" * 1500), LINKEDIN) == []
    assert codes(draft("(" * 1501), LINKEDIN) == ["text_too_long"]


def test_empty_text_and_every_network_accepts_a_plain_short_post() -> None:
    assert codes(draft("   "), X) == ["text_empty"]
    for caps in (p.capabilities for p in providers()):
        media = (
            (MediaFile("video/mp4", MB, 1080, 1080, duration=30),) if caps.media_required else ()
        )
        d = draft("Bonjour à tous", media=media, title="Titre" if caps.title_limit else None)
        assert validate(d, caps) == [], caps.network


def test_french_numbers() -> None:
    assert fr_number(12079) == f"12{NNBSP}079"
    assert fr_number(6.2) == "6,2"
