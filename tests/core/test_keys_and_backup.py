"""Keys and tokens after a restore: a secret no configured key decrypts is a clear state (the
account « à reconnecter »), never a 500, and never stops the other accounts; `parvis doctor`
names the missing key; `parvis backup` / `parvis restore` round-trip with a keys check."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation, User
from parvis.accounts.services import organisation_create
from parvis.core import crypto, fields
from parvis.core.fields import UnreadableSecret, is_unreadable
from parvis.core.models import AuditEvent, Heartbeat
from parvis.inbox.models import BackfillJob, InboxSettings
from parvis.inbox.polling import account_poll, backfill_run, pollable_accounts
from parvis.networks.errors import AuthExpired
from parvis.networks.models import MastodonInstanceApp, OAuthState, SocialAccount, TokenUnreadable
from parvis.publishing.dispatcher import dispatch_batch
from parvis.publishing.models import PostTarget
from tests.conftest import Cast
from tests.peers.x_fake import XFake, x_fake
from tests.publishing.helpers import FAST, due_post

__all__ = ["x_fake"]  # the fixture, for the tests below

OLD_KEY = "old-key-restored-from-another-install-0123456789"
NEW_KEY = "new-key-of-this-install-9876543210-abcdefghijkl"
SPARE_KEY = "spare-key-never-used-for-anything-zyxwvutsrqpo"
MESSAGE = "Le jeton chiffré ne peut pas être lu avec les clés de chiffrement actuelles"


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def _account(organisation: Organisation, handle: str, **extra: Any) -> SocialAccount:
    fields: dict[str, Any] = {
        "remote_id": handle,
        "access_token": f"tok-{handle}",
        "refresh_token": f"ref-{handle}",
    }
    fields.update(extra)
    return SocialAccount.objects.create(
        organisation=organisation, kind="x", handle=handle, **fields
    )


def _english(user: User) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


# --- the field and the account ------------------------------------------------------------------


def test_a_value_under_a_missing_key_reads_as_unreadable_and_saving_keeps_it(
    cast: Cast, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    account = _account(cast.org, "menuiserie")
    stored = _raw("networks_socialaccount", "access_token", account.pk)
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    fields._reported.clear()

    loaded = SocialAccount.objects.get(pk=account.pk)  # raised DecryptionError before
    SocialAccount.objects.get(pk=account.pk)
    said = [r.getMessage() for r in caplog.records if r.name == "parvis.crypto"]
    assert len([m for m in said if "SocialAccount.access_token" in m]) == 1  # once, not per read
    assert not any(stored in m for m in said)
    assert is_unreadable(loaded.access_token) and loaded.access_token == ""
    assert not loaded.access_token and repr(loaded.access_token) == "<unreadable secret>"
    assert stored not in repr(loaded.__dict__)
    loaded.handle = "renamed"
    loaded.save()  # every field written: the marker must not become a token of its own
    assert _raw("networks_socialaccount", "access_token", account.pk) == stored

    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]  # the right key comes back: nothing was lost
    assert SocialAccount.objects.get(pk=account.pk).access_token == "tok-menuiserie"


def test_an_unreadable_token_marks_the_account_to_reconnect_once(cast: Cast, settings: Any) -> None:
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    account = _account(cast.org, "menuiserie")
    settings.ENCRYPTION_KEYS = [NEW_KEY]

    loaded = SocialAccount.objects.get(pk=account.pk)
    assert loaded.status == SocialAccount.Status.RECONNECT
    assert loaded.last_error.startswith(MESSAGE)
    with pytest.raises(AuthExpired) as raised:
        loaded.tokens()
    assert isinstance(raised.value, TokenUnreadable)
    assert raised.value.user_message.startswith(MESSAGE)
    SocialAccount.objects.get(pk=account.pk)  # loaded again: flagged and audited once only
    stored = SocialAccount.objects.values_list("status", "last_error").get(pk=account.pk)
    assert stored[0] == SocialAccount.Status.RECONNECT and stored[1].startswith(MESSAGE)
    assert AuditEvent.objects.filter(action="social_account.must_reconnect").count() == 1


def test_the_accounts_page_shows_the_account_to_reconnect_instead_of_a_500(
    cast: Cast, settings: Any
) -> None:
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    _account(cast.org, "menuiserie")
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    response = _english(cast.alice).get(reverse("networks:accounts", args=[cast.org.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-state="reconnect"' in page and "Must be reconnected" in page
    assert MESSAGE in page
    # Charlie, of another organisation, still cannot see Alice's accounts page.
    other = Client()
    other.force_login(cast.charlie)
    assert other.get(reverse("networks:accounts", args=[cast.org.slug])).status_code == 404


def test_other_encrypted_fields_never_fail_and_saving_keeps_their_ciphertext(
    cast: Cast, settings: Any
) -> None:
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    inbox = InboxSettings.objects.create(
        organisation=cast.org,
        llm_base_url="https://llm.example.fr/v1",
        llm_model="m",
        llm_api_key="sk-secret",
    )
    app = MastodonInstanceApp.objects.create(
        base_url="https://mastodon.example",
        redirect_uri="https://parvis.example/cb",
        client_id="cid",
        client_secret="app-secret",
        scopes="read write",
    )
    state = OAuthState.objects.create(
        organisation=cast.org,
        kind="mastodon",
        state="s1",
        code_verifier="verifier",
        redirect_uri="https://parvis.example/cb",
        user=cast.alice,
        instance_app=app,
        candidates='[{"x": 1}]',
    )
    key_before = _raw("inbox_inboxsettings", "llm_api_key", inbox.pk)
    settings.ENCRYPTION_KEYS = [NEW_KEY]

    assert is_unreadable(MastodonInstanceApp.objects.get(pk=app.pk).client_secret)
    loaded_state = OAuthState.objects.get(pk=state.pk)
    assert is_unreadable(loaded_state.code_verifier) and not loaded_state.is_choosable()
    assert is_unreadable(InboxSettings.objects.get(pk=inbox.pk).llm_api_key)

    client = _english(cast.alice)
    url = reverse("inbox:settings", args=[cast.org.slug])
    assert client.get(url).status_code == 200
    saved = client.post(
        url,
        {"goal_hours": "12", "llm_base_url": "", "llm_model": ""},
    )
    assert saved.status_code == 302  # saved without typing the key again: the key is kept
    assert InboxSettings.objects.get(pk=inbox.pk).goal_hours == 12
    assert _raw("inbox_inboxsettings", "llm_api_key", inbox.pk) == key_before


# --- the loops go on for the other accounts -----------------------------------------------------


@pytest.fixture
def two_accounts(
    cast: Cast, settings: Any, x_fake: XFake
) -> Iterator[tuple[SocialAccount, SocialAccount]]:
    """Alice's account written under a key this install lost, Charlie's (another organisation)
    under the current key and connected to the X fake."""
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    lost = _account(cast.org, "menuiserie", api_base_url=x_fake.url)
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    issued = x_fake.issue_tokens()
    good = _account(
        cast.other_org,
        "boulangerie",
        remote_id=x_fake.me,
        access_token=issued["access_token"],
        refresh_token="",
        api_base_url=x_fake.url,
    )
    yield lost, good


def test_polling_skips_the_unreadable_account_and_reads_the_others(
    cast: Cast, two_accounts: tuple[SocialAccount, SocialAccount], x_fake: XFake
) -> None:
    lost, good = two_accounts
    x_fake.add_mention("client", "@parvis_test vous livrez à Rennes ?")
    results = {}
    for account in pollable_accounts():  # what inbox.poll_all walks (it raised before)
        results[account.pk] = account_poll(account=account)
    assert results[lost.pk].pages == 0 and results[lost.pk].error == ""
    assert results[good.pk].stored == 1
    assert SocialAccount.objects.get(pk=lost.pk).status == SocialAccount.Status.RECONNECT
    assert [a.pk for a in pollable_accounts()] == [good.pk]  # skipped from now on


def test_a_backfill_of_an_unreadable_account_fails_cleanly(
    cast: Cast, two_accounts: tuple[SocialAccount, SocialAccount]
) -> None:
    lost, _good = two_accounts
    job = BackfillJob.objects.create(
        organisation_id=cast.org.pk, account_id=lost.pk, since="2024-01-01T00:00:00Z"
    )
    done = backfill_run(job_id=job.pk)
    assert done.status == BackfillJob.Status.FAILED and done.error.startswith(MESSAGE)


def test_publishing_holds_the_unreadable_account_and_publishes_the_others(
    cast: Cast, two_accounts: tuple[SocialAccount, SocialAccount], x_fake: XFake, settings: Any
) -> None:
    lost, good = two_accounts
    settings.ENCRYPTION_KEYS = [OLD_KEY]  # the posts were scheduled before the key was lost
    held = due_post(Actor.of(cast.alice_membership), lost, "Atelier ouvert samedi")
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    sent = due_post(Actor.of(cast.charlie_membership), good, "Pain au levain ce matin")
    settings_lost = SocialAccount.objects.filter(pk=lost.pk)
    assert settings_lost.values_list("status", flat=True).get() == SocialAccount.Status.CONNECTED
    outcomes = dispatch_batch(config=FAST)
    assert outcomes == {"auth_expired": 1, "published": 1}
    assert PostTarget.objects.get(post=held).status == PostTarget.Status.HELD
    assert PostTarget.objects.get(post=sent).status == PostTarget.Status.PUBLISHED
    assert [p.text for p in x_fake.own_posts()] == ["Pain au levain ce matin"]
    assert settings_lost.values_list("status", flat=True).get() == SocialAccount.Status.RECONNECT


# --- doctor -------------------------------------------------------------------------------------


def _fresh_heartbeats() -> None:
    from django.utils import timezone

    for kind in ("worker", "scheduler", "dispatcher"):
        Heartbeat.objects.create(name=f"{kind}:t", kind=kind, seen_at=timezone.now())


def _doctor() -> tuple[str, int]:
    out = StringIO()
    with translation.override("fr"):
        try:
            call_command("doctor", stdout=out)
        except SystemExit as exit_:
            return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


def test_doctor_says_which_key_decrypts_what_and_which_is_unused(cast: Cast, settings: Any) -> None:
    _fresh_heartbeats()
    settings.ENCRYPTION_KEYS = [NEW_KEY, SPARE_KEY]
    _account(cast.org, "menuiserie")
    text, code = _doctor()
    assert code == 0, text
    assert crypto.key_fingerprint(NEW_KEY) in text and NEW_KEY not in text
    assert f"Clé 1 ({crypto.key_fingerprint(NEW_KEY)}) déchiffre 2 valeurs enregistrées" in text
    assert f"Clé 2 ({crypto.key_fingerprint(SPARE_KEY)}) ne déchiffre aucune valeur" in text


def test_doctor_fails_and_says_tokens_need_a_missing_key(cast: Cast, settings: Any) -> None:
    _fresh_heartbeats()
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    _account(cast.org, "menuiserie")
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    _account(cast.org, "atelier")
    text, code = _doctor()
    assert code == 1
    assert (
        "2 jetons ne se déchiffrent avec aucune clé configurée\u00a0: la clé utilisée à "
        "l’origine manque dans PARVIS_ENCRYPTION_KEYS (networks.SocialAccount.access_token: 1"
    ) in text, text
    assert OLD_KEY not in text and NEW_KEY not in text


# --- backup and restore -------------------------------------------------------------------------

embedded_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="embedded mode only")


@pytest.fixture
def install(settings: Any, tmp_path: Path) -> Path:
    """This test's own var/ and media folder."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.VAR_DIR.mkdir()
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    return tmp_path


def _populate() -> tuple[SocialAccount, Path]:
    owner = User.objects.create_user("alice@example.org", "password", full_name="Alice")
    organisation = organisation_create(name="Menuiserie A", owner=owner)
    account = _account(organisation, "menuiserie")
    picture = Path(str(_media_root())) / "uploads" / "atelier.jpg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"\xff\xd8 not really a jpeg \xff\xd9")
    return account, picture


def _media_root() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


def _backup(destination: Path) -> Path:
    out = StringIO()
    call_command("backup", str(destination), stdout=out)
    archives = sorted(destination.glob("parvis-backup-*.tar.gz"))
    assert len(archives) == 1, out.getvalue()
    return archives[0]


def _wipe() -> None:
    import shutil

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(_media_root())


@pytest.mark.django_db(transaction=True)
@embedded_only
def test_backup_and_restore_round_trip(install: Path, settings: Any) -> None:
    account, picture = _populate()
    archive = _backup(install / "out")
    assert archive.stat().st_mode & 0o777 == 0o600
    _wipe()
    assert not User.objects.exists() and not picture.exists()

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert User.objects.get().email == "alice@example.org"
    assert SocialAccount.objects.get(pk=account.pk).access_token == "tok-menuiserie"
    assert SocialAccount.objects.get(pk=account.pk).status == SocialAccount.Status.CONNECTED
    assert picture.read_bytes() == b"\xff\xd8 not really a jpeg \xff\xd9"

    with pytest.raises(CommandError, match="--yes"):  # data here now: not without consent
        call_command("restore", str(archive))
    call_command("restore", str(archive), "--yes", stdout=StringIO())
    assert User.objects.count() == 1
    assert list((install / "var" / "backups").glob("before-restore-*.sqlite3"))


@pytest.mark.django_db(transaction=True)
@embedded_only
def test_the_archive_names_keys_by_fingerprint_only(install: Path) -> None:
    _populate()
    archive = _backup(install / "out")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names[0] == "manifest.json" and "media/uploads/atelier.jpg" in names
    assert manifest["keys"]["needed"] == [crypto.key_fingerprint(OLD_KEY)]
    assert "never written into a backup" in manifest["keys"]["note"]
    fernet_key = crypto._fernet_for(OLD_KEY)._signing_key  # what the key becomes inside Fernet
    everything = gzip.decompress(archive.read_bytes())
    assert OLD_KEY.encode() not in everything and fernet_key not in everything
    assert b"tok-menuiserie" not in everything  # tokens stay encrypted in the copy


@pytest.mark.django_db(transaction=True)
@embedded_only
def test_a_restore_with_another_key_is_refused_unless_forced(install: Path, settings: Any) -> None:
    account, _picture = _populate()
    MastodonInstanceApp.objects.create(
        base_url="https://mastodon.example",
        redirect_uri="https://parvis.example/cb",
        client_id="cid",
        client_secret="app-secret",
        scopes="read write",
    )
    archive = _backup(install / "out")
    _wipe()
    settings.ENCRYPTION_KEYS = [NEW_KEY]  # this install lost the archive's key

    with translation.override("fr"), pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))
    assert crypto.key_fingerprint(OLD_KEY) in str(refused.value)
    assert "--force" in str(refused.value) and OLD_KEY not in str(refused.value)
    assert not User.objects.exists()  # nothing restored

    out = StringIO()
    call_command("restore", str(archive), "--force", stdout=out)
    assert "1 account(s)" in out.getvalue() or "1 compte(s)" in out.getvalue()
    # Parvis' registration on the Mastodon server is made again at the next connection.
    assert not MastodonInstanceApp.objects.exists()
    restored = SocialAccount.objects.get(pk=account.pk)
    assert restored.status == SocialAccount.Status.RECONNECT
    assert restored.last_error.startswith(MESSAGE)
    client = _english(User.objects.get())
    page = client.get(reverse("networks:accounts", args=[restored.organisation.slug]))
    assert page.status_code == 200 and "Must be reconnected" in page.content.decode()

    _fresh_heartbeats()
    text, code = _doctor()
    assert code == 1
    assert f"La clé manquante est celle d’empreinte {crypto.key_fingerprint(OLD_KEY)}" in text


@pytest.mark.django_db(transaction=True)
@embedded_only
def test_a_file_that_is_not_a_backup_gets_a_clear_refusal(install: Path) -> None:
    with translation.override("en"):  # the operator's messages, read in English here
        for name, content in [("empty.tar.gz", b""), ("notes.tar.gz", b"hello")]:
            (install / name).write_bytes(content)
            with pytest.raises(CommandError, match="is not a Parvis backup"):
                call_command("restore", str(install / name))
        with pytest.raises(CommandError, match="does not exist"):
            call_command("restore", str(install / "missing.tar.gz"))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL only")
def test_on_postgresql_backup_gives_the_pg_dump_command(install: Path) -> None:
    with pytest.raises(CommandError, match="pg_dump --format=custom"):
        call_command("backup", str(install / "out"))
    assert not (install / "out").exists()


def test_unreadable_secrets_survive_pickling_without_showing_the_ciphertext() -> None:
    import pickle

    value = UnreadableSecret("gAAAAAB-cipher")
    again = pickle.loads(pickle.dumps(value))  # noqa: S301 - our own value
    assert is_unreadable(again) and again.ciphertext == "gAAAAAB-cipher" and again == ""
    assert "cipher" not in repr(again) and "cipher" not in f"{again}"


# --- hostile archives ---------------------------------------------------------------------------


def _with_member(archive: Path, member: tarfile.TarInfo, content: bytes = b"") -> Path:
    """A copy of a genuine ``archive`` (valid manifest, database and checksum) with one more
    member, as someone who tampered with a backup would add it."""
    hostile = archive.with_name("hostile.tar.gz")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(hostile, "w:gz") as out:
        for original in source.getmembers():
            out.addfile(original, source.extractfile(original) if original.isfile() else None)
        member.size = len(content) if member.isfile() else 0
        out.addfile(member, io.BytesIO(content) if member.isfile() else None)
    return hostile


def _hostile(kind: str, outside: Path) -> tuple[tarfile.TarInfo, bytes]:
    if kind == "parent":  # media/../../../../escaped.txt: out of the restore's folder
        member = tarfile.TarInfo("media/" + "../" * 6 + str(outside / "escaped.txt").lstrip("/"))
    elif kind == "absolute":
        member = tarfile.TarInfo(str(outside / "escaped.txt"))
    elif kind == "symlink":  # a link in media/ pointing out, that a later file would go through
        member = tarfile.TarInfo("media/uploads/escape")
        member.type, member.linkname = tarfile.SYMTYPE, str(outside)
        return member, b""
    else:  # a hard link to a file of the machine, which the media folder would then expose
        member = tarfile.TarInfo("media/uploads/passwd")
        member.type, member.linkname = tarfile.LNKTYPE, str(outside / "secret.txt")
        return member, b""
    return member, b"planted by the archive"


@pytest.mark.django_db(transaction=True)
@embedded_only
@pytest.mark.parametrize("kind", ["parent", "absolute", "symlink", "hardlink"])
def test_an_archive_with_a_member_leading_out_is_refused_and_nothing_is_written(
    install: Path, kind: str
) -> None:
    _populate()
    genuine = _backup(install / "out")
    _wipe()
    outside = install / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not Parvis' business")
    member, content = _hostile(kind, outside)
    hostile = _with_member(genuine, member, content)
    before = sorted(p.relative_to(install) for p in install.rglob("*"))

    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore", str(hostile))
    message = str(refused.value)
    assert "a member parvis backup never writes" in message, message
    assert repr(member.name) in message and "nothing was restored" in message
    assert not User.objects.exists()  # the live database is untouched
    assert not _media_root().exists()
    assert sorted(p.relative_to(install) for p in install.rglob("*")) == before  # nothing left
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert not Path("/escaped.txt").exists()

    with translation.override("fr"), pytest.raises(CommandError) as in_french:
        call_command("restore", str(hostile))
    assert "que parvis backup n’écrit jamais" in str(in_french.value)

    call_command("restore", str(genuine), stdout=StringIO())  # the genuine one still restores
    assert User.objects.get().email == "alice@example.org"
