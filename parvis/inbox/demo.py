"""The demo inbox of Menuiserie Martin: invented French messages, classified by the real
insight package, on demo accounts that can never reach a network."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parvis.accounts.models import Membership, Organisation, User
from parvis.inbox.ingest import inbox_ingest, inbox_settings_for
from parvis.inbox.models import Conversation, InternalNote, Message, SavedReply
from parvis.networks.contracts import InboundItem, InboundKind
from parvis.networks.models import SocialAccount

# Same remote ids as the publishing filler's accounts: whichever runs first creates them.
DEMO_ACCOUNTS = [
    ("facebook", "demo-menuiserie-martin", "Menuiserie Martin"),
    ("instagram", "demo-menuiseriemartin", "menuiseriemartin"),
    ("linkedin", "demo-menuiserie-martin-sarl", "Menuiserie Martin SARL"),
]

# (network, kind, author handle, author name, hours ago, text, thread)
MESSAGES = [
    (
        "facebook",
        "comment",
        "sophie.bernard",
        "Sophie Bernard",
        30,
        "Bonjour, ma commande n° 4521 (bibliothèque sur mesure) devait être livrée la semaine "
        "dernière et je n’ai aucune nouvelle. C’est inadmissible, personne ne répond au "
        "téléphone !",
        "post-bibliotheque",
    ),
    (
        "instagram",
        "dm",
        "julien_moreau",
        "Julien Moreau",
        27,
        "Bonjour, je voudrais un devis pour un escalier en chêne quart tournant, environ 14 "
        "marches, pour une maison à Rennes. Quels sont vos délais ?",
        "",
    ),
    (
        "facebook",
        "comment",
        "marie.lefevre",
        "Marie Lefèvre",
        3,
        "Vous êtes ouverts le samedi matin ? Je voudrais passer voir les échantillons.",
        "post-atelier",
    ),
    (
        "linkedin",
        "dm",
        "lucas-petit",
        "Lucas Petit",
        6,
        "Bonjour, je suis en CAP menuiserie et je cherche une entreprise pour mon apprentissage "
        "à la rentrée. Je vous envoie ma candidature, merci de votre retour.",
        "",
    ),
    (
        "instagram",
        "comment",
        "camille.roux",
        "Camille Roux",
        9,
        "Magnifique travail sur notre cuisine, merci à toute l’équipe, on est ravis !",
        "post-cuisine",
    ),
    (
        "facebook",
        "comment",
        "promo-followers-2024",
        "Boost Followers",
        2,
        "Gagnez 10 000 abonnés en 24 h !!! Cliquez ici http://bit.ly/abonnes-gratuits",
        "post-atelier",
    ),
    (
        "instagram",
        "comment",
        "thomas.girard",
        "Thomas Girard",
        20,
        "Combien coûte une table en noyer pour 8 personnes ? Vous faites la livraison ?",
        "post-table",
    ),
    (
        "facebook",
        "mention",
        "nathalie.dubois",
        "Nathalie Dubois",
        50,
        "Merci @Menuiserie Martin pour les volets, posés en une matinée, impeccable.",
        "",
    ),
    (
        "linkedin",
        "comment",
        "pierre-lambert",
        "Pierre Lambert",
        72,
        "Belle réalisation ! Vous travaillez aussi pour les professionnels (agencement de "
        "boutique) ?",
        "post-agencement",
    ),
]

SAVED_REPLIES = [
    (
        "Retard de livraison",
        "complaint",
        "Bonjour {first_name}, nous sommes désolés pour ce retard. Nous regardons votre commande "
        "{order_number} tout de suite et vous rappelons aujourd’hui. L’équipe Menuiserie Martin",
    ),
    (
        "Demande de devis",
        "purchase_intent",
        "Bonjour {first_name}, merci pour votre demande ! Pouvez-vous nous laisser votre numéro "
        "de téléphone en message privé ? Nous vous proposons un rendez-vous pour le devis.",
    ),
    (
        "Horaires",
        "question",
        "Bonjour {first_name}, l’atelier est ouvert du lundi au vendredi de 8 h à 18 h et le "
        "samedi de 9 h à 12 h. À bientôt !",
    ),
    ("Remerciement", "praise", "Merci beaucoup {first_name}, ça nous fait très plaisir !"),
    (
        "Candidature reçue",
        "job_application",
        "Bonjour {first_name}, merci pour votre candidature. Nous revenons vers vous sous "
        "huit jours.",
    ),
]


def _accounts(organisation: Organisation, owner: User) -> dict[str, SocialAccount]:
    """The organisation's demo account of each network: reused when another filler made it."""
    accounts = {}
    for kind, remote_id, handle in DEMO_ACCOUNTS:
        account = (
            SocialAccount.objects.filter(organisation=organisation, kind=kind, is_demo=True)
            .order_by("pk")
            .first()
        )
        if account is None:
            account, _ = SocialAccount.objects.get_or_create(
                organisation=organisation,
                kind=kind,
                remote_id=remote_id,
                defaults={
                    "handle": handle,
                    "display_name": handle,
                    "is_demo": True,
                    "connected_by": owner,
                },
            )
        accounts[kind] = account
    return accounts


def fill(organisation: Organisation, owner: User) -> None:
    now = timezone.now()
    accounts = _accounts(organisation, owner)
    settings = inbox_settings_for(organisation.pk)
    # Candidates go to a team member when the team filler made one; else to the owner.
    recruiter = (
        Membership.objects.filter(organisation=organisation)
        .exclude(user=owner)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    settings.job_applications_to = recruiter.user if recruiter else owner
    settings.save(update_fields=["job_applications_to"])
    for index, (kind, inbound_kind, handle, name, hours, text, thread) in enumerate(MESSAGES):
        remote_id = f"demo-{kind}-{index}"
        item = InboundItem(
            kind=InboundKind(inbound_kind),
            remote_id=remote_id,
            text=text,
            created_at=now - timedelta(hours=hours),
            author_id=f"demo-author-{handle}",
            author_handle=handle,
            author_name=name,
            thread_id=thread,
        )
        inbox_ingest(accounts[kind], [item], now=now)
    # Two conversations were already answered: response-time figures are not empty.
    for handle, delay_hours in (("nathalie.dubois", 5), ("pierre-lambert", 30)):
        conversation = Conversation.objects.get(
            organisation=organisation, participant_handle=handle
        )
        started = conversation.first_inbound_at or now
        answered_at = started + timedelta(hours=delay_hours)
        Message.objects.create(
            organisation=organisation,
            conversation=conversation,
            account=conversation.account,
            remote_id=f"demo-answer-{conversation.pk}",
            direction=Message.Direction.OUT,
            author_handle=conversation.account.handle,
            text="Merci beaucoup pour votre message, nous revenons vers vous très vite !",
            created_at=answered_at,
        )
        conversation.first_response_at = answered_at
        conversation.first_responder = owner
        conversation.awaiting_since = None
        conversation.status = Conversation.Status.DONE
        conversation.message_count += 1
        conversation.save()
    complaint = Conversation.objects.filter(
        organisation=organisation, participant_handle="sophie.bernard"
    ).first()
    if complaint is not None:
        InternalNote.objects.create(
            organisation=organisation,
            conversation=complaint,
            author=owner,
            text="Le camion a été retardé par le fournisseur de quincaillerie : "
            "vérifier avec l’atelier.",
        )
    for name, intent, text in SAVED_REPLIES:
        SavedReply.objects.create(organisation=organisation, name=name, intent=intent, text=text)
