"""The SMTP catcher (tests/peers/smtp.py) against the clients Parvis really uses: Django's SMTP
backend, as parvis/settings.py configures it from ``EMAIL_URL``, and plain ``smtplib``."""

from __future__ import annotations

import json
import os
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

from tests.peers.smtp import SmtpCatcher, smtp_catcher
from tests.processes import ROOT

__all__ = ["smtp_catcher"]


def test_settings_read_a_smtp_url_as_plain_smtp(smtp_catcher: SmtpCatcher, tmp_path: Path) -> None:
    """What the journeys set: ``smtp://`` is neither STARTTLS nor SMTPS, and has no login."""
    env = {**os.environ, "EMAIL_URL": smtp_catcher.url, "PARVIS_VAR_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "parvis.settings"
    script = (
        "import json; from django.conf import settings as s; print(json.dumps([s.EMAIL_BACKEND, "
        "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_HOST_USER]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    backend, host, port, tls, ssl, user = json.loads(out.stdout.strip().splitlines()[-1])
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (host, port, tls, ssl, user) == ("127.0.0.1", smtp_catcher.port, False, False, "")


def test_django_sends_an_accented_message_with_html(smtp_catcher: SmtpCatcher) -> None:
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=smtp_catcher.host,
        port=smtp_catcher.port,
        use_tls=False,
        use_ssl=False,
        timeout=10,
    )
    mail = EmailMultiAlternatives(
        subject="Les 5 choses à savoir — semaine du 7 décembre",
        body="Bonjour,\n.point en début de ligne\nÀ lundi !",
        from_email="Parvis <parvis@localhost>",
        to=["jeanne@menuiserie-martin.fr", "yann@menuiserie-martin.fr"],
        connection=connection,
    )
    mail.attach_alternative("<p>Bonjour, <strong>à lundi</strong></p>", "text/html")
    assert mail.send() == 1
    caught = smtp_catcher.wait_for(lambda m: True, timeout=5)
    assert caught.sender == "parvis@localhost"
    assert caught.recipients == ("jeanne@menuiserie-martin.fr", "yann@menuiserie-martin.fr")
    assert caught.subject == "Les 5 choses à savoir — semaine du 7 décembre"
    assert caught.text().rstrip("\n") == "Bonjour,\n.point en début de ligne\nÀ lundi !"
    assert "<strong>à lundi</strong>" in caught.html()


def test_sequence_errors_reset_and_refused_tls(smtp_catcher: SmtpCatcher) -> None:
    with smtplib.SMTP(smtp_catcher.host, smtp_catcher.port, timeout=10) as client:
        code, features = client.ehlo("tests")
        assert code == 250 and b"STARTTLS" not in features
        assert client.docmd("RCPT", "TO:<a@example.fr>")[0] == 503
        assert client.docmd("STARTTLS")[0] == 502
        assert client.noop()[0] == 250
        client.mail("a@example.fr")
        client.rcpt("b@example.fr")
        assert client.rset()[0] == 250
        assert client.docmd("DATA")[0] == 503  # the reset forgot the envelope
        client.sendmail("a@example.fr", ["c@example.fr"], b"Subject: deux\r\n\r\nsecond\r\n")
    assert [(m.recipients, m.subject) for m in smtp_catcher.caught()] == [
        (("c@example.fr",), "deux")
    ]
    with pytest.raises(AssertionError, match="no e-mail within"):
        smtp_catcher.wait_for(lambda m: m.subject == "trois", timeout=0.2)
