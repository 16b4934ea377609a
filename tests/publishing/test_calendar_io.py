"""CSV import (broken rows, cp1252, French headers) and export; the secret iCal feed."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client
from django.urls import reverse

from parvis.accounts.actor import Actor
from parvis.networks.models import SocialAccount
from parvis.publishing import csvio
from parvis.publishing.models import Post
from parvis.publishing.services import calendar_feed_for, calendar_feed_rotate
from tests.conftest import Cast

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)


def test_import_reports_each_broken_row_and_keeps_the_good_ones(
    alice: Actor, account: SocialAccount
) -> None:
    rows = [
        "Date;Heure;Comptes;Texte;Lien",
        "21/03/2026;09h30;@menuiserie;Nouvelle cuisine posée à Évreux — «\u00a0sur mesure\u00a0»;",
        "2026-03-22;10:00;menuiserie;;",  # no text
        "2026-03-29;02:30;menuiserie;Heure d'été;",  # does not exist in Paris
        "31/02/2026;10:00;menuiserie;Date impossible;",
        "2026-03-23;10:00;inconnu;Compte inconnu;",
        "2026-03-19;10:00;menuiserie;Déjà passé;",
        "2026-03-24;11:00;x:menuiserie;Deuxième bonne ligne;https://exemple.fr/promo",
    ]
    data = "\r\n".join(rows).encode("cp1252")
    report = csvio.import_csv(actor=alice, data=data, now=NOW)
    assert report.encoding == "cp1252"
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7]
    codes = {e.line: e.message for e in report.errors}
    assert "02:30" in codes[4] and "31/02/2026" in codes[5] and "inconnu" in codes[6]
    created = Post.objects.filter(pk__in=[p.pk for p in report.created]).order_by("scheduled_at")
    assert [p.body[:17] for p in created] == ["Nouvelle cuisine ", "Deuxième bonne li"]
    assert created[0].body.endswith("«\u00a0sur mesure\u00a0»")
    assert created[0].scheduled_at == datetime(2026, 3, 21, 8, 30, tzinfo=UTC)
    assert Post.objects.count() == 2


def test_export_reads_back_through_import(alice: Actor, account: SocialAccount) -> None:
    data = b'date,time,accounts,text\n2026-04-02,09:00,menuiserie,"Un, deux"\n'
    first = csvio.import_csv(actor=alice, data=data, now=NOW)
    assert not first.errors
    exported = csvio.export_csv(Post.objects.all(), alice.organisation.tzinfo)
    assert exported.startswith("\ufeffdate;time;accounts;text")
    assert "2026-04-02;09:00;x:menuiserie;Un, deux" in exported
    Post.objects.all().delete()
    again = csvio.import_csv(actor=alice, data=exported.encode("utf-8"), now=NOW)
    assert not again.errors and Post.objects.get().body == "Un, deux"


def test_ical_feed_is_secret_and_lists_the_plan(
    cast: Cast, alice: Actor, account: SocialAccount
) -> None:
    data = "date;heure;comptes;texte\n2099-04-02;09:00;menuiserie;Portes ouvertes, samedi\n"
    csvio.import_csv(actor=alice, data=data.encode(), now=NOW)
    Post.objects.create(organisation=cast.other_org, body="Secret de Charlie")
    feed = calendar_feed_for(cast.org)
    url = reverse("publishing:ical_feed", kwargs={"token": feed.token})
    response = Client().get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20990402T070000Z" in text
    assert "Portes ouvertes\\, samedi" in text
    assert "Charlie" not in text
    assert Client().get(url.replace(feed.token, feed.token[:-2] + "xx")).status_code == 404
    calendar_feed_rotate(actor=alice)
    assert Client().get(url).status_code == 404


def test_csv_export_page(cast: Cast, alice: Actor, account: SocialAccount) -> None:
    data = "date;heure;comptes;texte\n2099-04-02;09:00;menuiserie;Exporté\n"
    csvio.import_csv(actor=alice, data=data.encode(), now=NOW)
    url = reverse("publishing:csv_export", kwargs={"org": cast.org.slug})
    response = cast.client_for(cast.bob).get(url)
    assert response.status_code == 200 and "Exporté" in response.content.decode()
