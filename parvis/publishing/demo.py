"""Demo data of the publishing app: Menuiserie Martin's plan of posts, past and coming.

Demo accounts (``is_demo``) never reach a network and the dispatcher never claims their
targets: every post here is created directly in its final state, its links under the
reserved ``.invalid`` domain so nobody mistakes them for real posts.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from parvis.accounts.models import Organisation, User
from parvis.core.vocabulary import ContentCategory
from parvis.networks.models import SocialAccount
from parvis.publishing.models import Post, PostComment, PostTarget

DEMO_ACCOUNTS = (
    ("facebook", "menuiserie-martin", "Menuiserie Martin"),
    ("linkedin", "menuiserie-martin-sarl", "Menuiserie Martin SARL"),
    ("instagram", "menuiseriemartin", "menuiseriemartin"),
)

# (days from today, local hour, category, text, status)
PLAN = (
    (
        -20,
        9,
        ContentCategory.CUSTOMER_STORY,
        "Escalier en chêne massif posé chez M. et Mme Le Bihan à Vannes : trois semaines "
        "d'atelier, une journée de pose. Merci pour votre confiance !",
        "published",
    ),
    (
        -16,
        12,
        ContentCategory.EXPERTISE,
        "Chêne, frêne ou hêtre ? Nos conseils pour choisir le bois de votre escalier selon "
        "l'usage, le budget et l'entretien.",
        "published",
    ),
    (
        -13,
        17,
        ContentCategory.BEHIND_THE_SCENES,
        "Dans l'atelier ce matin : Yann ajuste les limons d'un escalier quart tournant.",
        "published",
    ),
    (
        -9,
        9,
        ContentCategory.JOB_OFFER,
        "Nous recrutons un menuisier poseur (CDI, Vannes). Permis B, goût du travail soigné.",
        "published",
    ),
    (
        -6,
        12,
        ContentCategory.EVENT,
        "Portes ouvertes de l'atelier le samedi 14 : démonstrations, devis sur place.",
        "failed",
    ),
    (
        -2,
        9,
        ContentCategory.EXPERTISE,
        "Entretenir une porte d'entrée en bois : deux gestes par an suffisent.",
        "published",
    ),
    (
        2,
        9,
        ContentCategory.CUSTOMER_STORY,
        "Cuisine en frêne pour une longère à Auray : avant / après.",
        "scheduled",
    ),
    (
        4,
        12,
        ContentCategory.OFFER,
        "Jusqu'à fin du mois : -10 % sur les fenêtres bois double vitrage.",
        "pending_approval",
    ),
    (
        7,
        9,
        ContentCategory.INDUSTRY_NEWS,
        "MaPrimeRénov' 2026 : ce qui change pour vos fenêtres et portes d'entrée.",
        "scheduled",
    ),
    (
        11,
        17,
        ContentCategory.EXPERTISE,
        "Pourquoi nous séchons nos bois 18 mois avant de les travailler.",
        "draft",
    ),
)


def _accounts(organisation: Organisation, owner: User) -> list[SocialAccount]:
    accounts = []
    for kind, handle, name in DEMO_ACCOUNTS:
        account, _created = SocialAccount.objects.get_or_create(
            organisation=organisation,
            kind=kind,
            remote_id=f"demo-{handle}",
            defaults={
                "handle": handle,
                "display_name": name,
                "url": f"https://{handle}.demo.invalid/",
                "is_demo": True,
                "connected_by": owner,
            },
        )
        accounts.append(account)
    return accounts


def _at(day: datetime, hour: int, organisation: Organisation) -> datetime:
    local = datetime.combine(day.date(), time(hour, 0))
    return local.replace(tzinfo=organisation.tzinfo).astimezone(UTC)


def fill(organisation: Organisation, owner: User) -> None:
    accounts = _accounts(organisation, owner)
    contributor = (
        User.objects.filter(
            memberships__organisation=organisation, memberships__role="contributor"
        ).first()
        or owner
    )
    manager = (
        User.objects.filter(
            memberships__organisation=organisation, memberships__role="manager"
        ).first()
        or owner
    )
    today = timezone.now().astimezone(organisation.tzinfo)
    for index, (days, hour, category, text, status) in enumerate(PLAN):
        when = _at(today + timedelta(days=days), hour, organisation)
        author = contributor if status == "pending_approval" else owner
        post = Post.objects.create(
            organisation=organisation,
            author=author,
            body=text,
            category=category.value,
            status=status,
            scheduled_at=when,
            published_at=when if status == "published" else None,
            is_demo=True,
            created_at=when - timedelta(days=3),
            updated_at=when - timedelta(days=2),
        )
        # The failed post goes to every account, so that Instagram's refusal shows beside the
        # accounts where it went out (a « partly failed » post with nothing failed misleads).
        chosen = accounts if status == "failed" else accounts[: 2 + index % 2]
        for number, account in enumerate(chosen):
            target = PostTarget(organisation=organisation, post=post, account=account, due_at=when)
            if status == "published":
                target.status = PostTarget.Status.PUBLISHED
                target.published_at = when + timedelta(seconds=2)
                target.remote_id = f"demo-{post.pk}-{number}"
                target.remote_url = f"https://{account.handle}.demo.invalid/posts/{post.pk}"
                target.engagement = 12 + (index * 7 + number * 5) % 40
                target.attempts = 1
            elif status == "failed" and account.kind == "instagram":
                target.status = PostTarget.Status.FAILED
                target.error_code = "rejected"
                target.last_error = (
                    "Le réseau a refusé la demande\u202f: «\u202fImage ratio is not "
                    "supported\u202f». Modifiez-la puis réessayez."
                )
                target.attempts = 1
            elif status == "failed":
                target.status = PostTarget.Status.PUBLISHED
                target.published_at = when + timedelta(seconds=2)
                target.remote_id = f"demo-{post.pk}-{number}"
                target.remote_url = f"https://{account.handle}.demo.invalid/posts/{post.pk}"
            elif status == "scheduled":
                target.status = PostTarget.Status.SCHEDULED
                target.next_attempt_at = when
            target.save()
        if status == "failed":
            has_live = post.targets.filter(status=PostTarget.Status.PUBLISHED).exists()
            post.status = Post.Status.PARTIALLY_FAILED if has_live else Post.Status.FAILED
            post.save(update_fields=["status"])
        if status == "pending_approval":
            PostComment.objects.create(
                organisation=organisation,
                post=post,
                author=manager,
                body="Pensez à préciser « hors pose » pour éviter les malentendus.",
            )
