"""CSV import and export of planned posts, as spreadsheets really produce them.

Import accepts UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's "Unicode text") and,
failing that, Windows-1252 (Excel's "CSV" on a French Windows); ``;``, ``,`` or tab as
separator; English or French column names; dates as ``2026-03-21`` or ``21/03/2026``. Each row
is scheduled through the services in its own savepoint: a broken row is reported with its line
number and reason and creates nothing, the others go through. Links must be web addresses
(``http://`` or ``https://``), categories those of Parvis; NUL characters are dropped.
Export writes what import reads (``;`` and a BOM so Excel opens it right).

Spreadsheet formulas (OWASP "CSV injection"): a spreadsheet runs a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula, so a post text such as
``=HYPERLINK(...)`` would run on the computer of whoever opens the export. Export therefore
prefixes such a cell with a single quote ``'``, which spreadsheets show as text and do not
save back. To keep every text exactly as written through an export and a new import:

* export prefixes one ``'`` to a cell made of any number of ``'`` then one of those characters
  (``=1`` becomes ``'=1``, and a text really written ``'=1`` becomes ``''=1``);
* import removes one ``'`` from a cell made of one or more ``'`` then one of those characters,
  and nothing else: a text typed ``- promo`` or ``=1`` in a spreadsheet is imported unchanged,
  ``'=1`` (the quote a spreadsheet would have hidden) is imported as ``=1``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.core.links import web_link
from parvis.core.vocabulary import ContentCategory
from parvis.networks.models import SocialAccount
from parvis.publishing.models import Post
from parvis.publishing.services.editing import post_create
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.scheduling import post_schedule

COLUMNS = ("date", "time", "accounts", "text", "link", "category", "first_comment")
ALIASES = {
    "date": "date",
    "jour": "date",
    "time": "time",
    "heure": "time",
    "accounts": "accounts",
    "account": "accounts",
    "comptes": "accounts",
    "compte": "accounts",
    "text": "text",
    "texte": "text",
    "message": "text",
    "link": "link",
    "lien": "link",
    "category": "category",
    "catégorie": "category",
    "categorie": "category",
    "first_comment": "first_comment",
    "premier commentaire": "first_comment",
    "premier_commentaire": "first_comment",
}
MAX_ROWS = 2000
# What a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STARTS = "[" + re.escape("".join(FORMULA_STARTS)) + "]"
_FORMULA = re.compile("'*" + _STARTS)
_NEUTRALISED = re.compile("'+" + _STARTS)
CATEGORIES = {category.value for category in ContentCategory}


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    created: list[Post] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = "utf-8"


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with (UTF-16 when its BOM says so, UTF-8, then
    Windows-1252), without NUL characters (no database stores them in text)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    return text.replace("\x00", ""), encoding


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (see the module docstring)."""
    return "'" + cell if _FORMULA.match(cell) else cell


def unneutralise(cell: str) -> str:
    """The text :func:`neutralise` was given: one ``'`` less before a formula character."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


def _category(value: str) -> str:
    value = value.strip().lower()
    if value and value not in CATEGORIES:
        raise ValueError(
            _("Unknown category “%(value)s”: use one of %(choices)s.")
            % {"value": value, "choices": ", ".join(sorted(CATEGORIES))}
        )
    return value


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        return csv.excel


def _parse_date(value: str) -> date:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(
        _("Unreadable date “%(value)s”: write it as 2026-03-21 or 21/03/2026.") % {"value": value}
    )


def _parse_time(value: str) -> time:
    value = value.strip().lower().replace("h", ":")
    if value.endswith(":"):
        value += "00"
    try:
        return datetime.strptime(value, "%H:%M").time()  # noqa: DTZ007 - a time
    except ValueError:
        raise ValueError(
            _("Unreadable time “%(value)s”: write it as 09:30.") % {"value": value}
        ) from None


def _find_accounts(names: str, accounts: list[SocialAccount]) -> list[int]:
    found: list[int] = []
    for raw in names.replace("|", ",").split(","):
        name = raw.strip()
        if not name:
            continue
        kind, _sep, handle = name.rpartition(":")
        handle = handle.lstrip("@").lower()
        matches = [
            a
            for a in accounts
            if a.handle.lstrip("@").lower() == handle and (not kind or a.kind == kind.lower())
        ]
        if len(matches) != 1:
            raise ValueError(
                _("Unknown account “%(name)s”: use the handle shown on the Accounts page.")
                % {"name": name}
            )
        found.append(matches[0].pk)
    if not found:
        raise ValueError(_("Name at least one account."))
    return found


def import_csv(*, actor: Actor, data: bytes, now: datetime | None = None) -> ImportReport:
    """Create and schedule one post per valid row; report the others by line number."""
    text, encoding = decode(data)
    report = ImportReport(encoding=encoding)
    reader = csv.reader(io.StringIO(text), _dialect(text))
    header = next(reader, None)
    if header is None:
        report.errors.append(RowError(1, _("The file is empty.")))
        return report
    columns = [ALIASES.get(name.strip().lower()) for name in header]
    missing = {"date", "time", "accounts", "text"} - set(filter(None, columns))
    if missing:
        report.errors.append(
            RowError(
                1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
            )
        )
        return report
    accounts = list(SocialAccount.objects.for_organisation(actor.organisation))
    for line, row in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            report.errors.append(RowError(line, _("Too many rows: import at most 2000 at once.")))
            break
        if not any(cell.strip() for cell in row):
            continue
        values = {
            col: unneutralise(cell.strip()) for col, cell in zip(columns, row, strict=False) if col
        }
        try:
            with transaction.atomic():
                local = datetime.combine(
                    _parse_date(values.get("date", "")), _parse_time(values.get("time", ""))
                )
                if not values.get("text"):
                    raise ValueError(_("The text is empty."))
                post = post_create(
                    actor=actor,
                    body=values["text"],
                    account_ids=_find_accounts(values.get("accounts", ""), accounts),
                    link=web_link(values.get("link", "")),
                    category=_category(values.get("category", "")),
                    first_comment=values.get("first_comment", ""),
                )
                post_schedule(actor=actor, post=post, local_time=local, now=now)
                report.created.append(post)
        except PublishingError as exc:
            report.errors.append(RowError(line, " ".join(exc.messages)))
        except (ValueError, PermissionDenied) as exc:
            report.errors.append(RowError(line, str(exc)))
    return report


def export_csv(posts: Iterable[Post], zone: ZoneInfo) -> str:
    """Planned posts as a CSV import accepts back (``;``, BOM, local date and time), every cell
    that a spreadsheet would run as a formula neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for post in posts:
        if post.scheduled_at is None:
            continue
        local = post.scheduled_at.astimezone(zone)
        accounts = " | ".join(f"{t.account.kind}:{t.account.handle}" for t in post.targets.all())
        cells = [
            f"{local:%Y-%m-%d}",
            f"{local:%H:%M}",
            accounts,
            post.body,
            post.link,
            post.category,
            post.first_comment,
        ]
        writer.writerow([neutralise(cell) for cell in cells])
    return out.getvalue()
