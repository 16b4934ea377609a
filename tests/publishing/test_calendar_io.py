"""CSV import (broken rows, cp1252, French headers) and export; the secret iCal feed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from django.test import Client
from django.urls import reverse

from parvis.accounts.actor import Actor
from parvis.networks.models import SocialAccount
from parvis.publishing import csvio
from parvis.publishing.models import Post
from parvis.publishing.services.calendar_feed import calendar_feed_for, calendar_feed_rotate
from parvis.publishing.services.editing import post_create
from parvis.publishing.services.scheduling import post_schedule
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


FORMULAS = [
    '=HYPERLINK("https://evil.example","Cliquez")',
    "+33 6 12 34 56 78",
    "-20 % ce week-end",
    "@menuiserie merci !",
    "\t=1+1",
    "'=déjà entre apostrophes",
    "''-deux apostrophes",
]


def _import_rows(alice: Actor, rows: list[list[str]]) -> csvio.ImportReport:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["date", "heure", "comptes", "texte", "lien", "catégorie", "premier commentaire"]
    )
    writer.writerows(rows)
    return csvio.import_csv(actor=alice, data=out.getvalue().encode("utf-8"), now=NOW)


def _plan(alice: Actor, account: SocialAccount, texts: list[str]) -> None:
    """Posts written in Parvis (not imported): any text, a tab first included."""
    for text in texts:
        post = post_create(actor=alice, body=text, account_ids=[account.pk], first_comment=text)
        wall_clock = datetime(2026, 4, 2, 9)  # noqa: DTZ001 - local to the organisation
        post_schedule(actor=alice, post=post, local_time=wall_clock, now=NOW)


def test_export_neutralises_spreadsheet_formulas(alice: Actor, account: SocialAccount) -> None:
    _plan(alice, account, FORMULAS)
    exported = csvio.export_csv(Post.objects.all(), alice.organisation.tzinfo)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff")), delimiter=";"))
    assert sorted(row[3] for row in rows[1:]) == sorted("'" + text for text in FORMULAS)
    # What a spreadsheet would run: no cell starts with a formula character any more.
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(csvio.FORMULA_STARTS), cell


def test_import_keeps_texts_as_written_and_export_then_import_round_trips(
    alice: Actor, account: SocialAccount
) -> None:
    typed = ["-20 % ce week-end", "=1", "+33 6", "@menuiserie", "'=1", "Normal"]
    report = _import_rows(
        alice, [["2026-04-02", "09:00", "menuiserie", text, "", "", ""] for text in typed]
    )
    assert not report.errors
    # Typed in a spreadsheet: unchanged, except the quote a spreadsheet would have hidden.
    bodies = sorted(Post.objects.values_list("body", flat=True))
    assert bodies == sorted(["-20 % ce week-end", "=1", "+33 6", "@menuiserie", "=1", "Normal"])

    Post.objects.all().delete()
    _plan(alice, account, FORMULAS)
    exported = csvio.export_csv(Post.objects.all(), alice.organisation.tzinfo)
    Post.objects.all().delete()
    again = csvio.import_csv(actor=alice, data=exported.encode("utf-8"), now=NOW)
    assert not again.errors
    assert sorted(Post.objects.values_list("body", flat=True)) == sorted(FORMULAS)
    assert sorted(Post.objects.values_list("first_comment", flat=True)) == sorted(FORMULAS)


def test_neutralise_and_unneutralise_are_inverse() -> None:
    for text in [*FORMULAS, "", "'", "''", "a=b", "'texte", "\r=1", "-"]:
        assert csvio.unneutralise(csvio.neutralise(text)) == text
    assert csvio.neutralise("Bonjour") == "Bonjour"
    assert csvio.unneutralise("'Bonjour") == "'Bonjour"  # not a formula: left alone


def test_import_refuses_script_links_and_unknown_categories(
    alice: Actor, account: SocialAccount
) -> None:
    report = _import_rows(
        alice,
        [
            ["2026-04-02", "09:00", "menuiserie", "Lien piégé", "javascript:alert(1)", "", ""],
            ["2026-04-02", "10:00", "menuiserie", "Catégorie", "", "propagande", ""],
            ["2026-04-02", "11:00", "menuiserie", "Bon", "https://exemple.fr", "offer", ""],
        ],
    )
    assert [e.line for e in report.errors] == [2, 3]
    assert "http" in report.errors[0].message and "propagande" in report.errors[1].message
    post = Post.objects.get()
    assert post.link == "https://exemple.fr" and post.category == "offer"


def test_import_drops_nul_characters_and_reads_utf16(alice: Actor, account: SocialAccount) -> None:
    data = "date;heure;comptes;texte\n2026-04-02;09:00;menuiserie;Bon\x00jour\n"
    assert not csvio.import_csv(actor=alice, data=data.encode("utf-8"), now=NOW).errors
    assert Post.objects.get().body == "Bonjour"  # PostgreSQL refuses NUL in text: was a 500
    Post.objects.all().delete()
    report = csvio.import_csv(actor=alice, data=data.encode("utf-16"), now=NOW)
    assert report.encoding == "utf-16" and not report.errors
    assert Post.objects.get().body == "Bonjour"


def test_csv_export_page_neutralises_formulas(
    cast: Cast, alice: Actor, account: SocialAccount
) -> None:
    data = "date;heure;comptes;texte\n2099-04-02;09:00;menuiserie;=cmd|' /C calc'!A0\n"
    assert not csvio.import_csv(actor=alice, data=data.encode(), now=NOW).errors
    url = reverse("publishing:csv_export", kwargs={"org": cast.org.slug})
    response = cast.client_for(cast.bob).get(url)
    assert response.status_code == 200
    assert ";'=cmd|' /C calc'!A0" in response.content.decode()
