"""``parvis insight classify``: JSON lines in and out, bad lines reported, batch continues."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from parvis.insight.cli import main

ROOT = Path(__file__).resolve().parents[2]

GOOD = '{"text": "Bonjour, je voudrais un devis pour une terrasse en bois", "id": "m-1"}\n'
INPUT = b"".join(
    [
        GOOD.encode(),
        b"\xff\xfe not utf-8\n",  # invalid UTF-8
        b'{"text": "raw \x01 control \x07 characters, merci beaucoup !"}\n',  # raw controls
        b"\n",  # blank lines are skipped, numbering keeps counting
        b'{"text": "broken json"\n',
        b"[1, 2, 3]\n",
        b'{"lang": "fr"}\n',
        b'{"text": "\\ud83d\\ude21\\ud83d\\ude21", "lang": "fr"}\n',  # emoji via escapes
        b'{"text": "\\ud800 lone surrogate, vous recrutez ?"}\n',
        b'{"text": ""}\n',
        ('{"text": "' + "Quel est le prix ? " * 6000 + '"}\n').encode(),  # about 114,000 chars
    ]
)


def _run_in_process(
    data: bytes, argv: list[str] | None = None
) -> tuple[int, list[dict[str, Any]], str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv or ["classify"], stdin=io.BytesIO(data), stdout=out, stderr=err)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, lines, err.getvalue()


def test_each_line_gets_a_result_or_an_error_in_order() -> None:
    code, lines, err = _run_in_process(INPUT, ["classify", "--batch-size", "3"])
    assert code == 1
    assert [line["line"] for line in lines] == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11]
    by_line = {line["line"]: line for line in lines}
    assert by_line[1]["id"] == "m-1"
    assert by_line[1]["intents"][0] == "purchase_intent"
    assert by_line[1]["reasons"]["purchase_intent"] == ["demande de devis"]
    assert "UTF-8" in str(by_line[2]["error"])
    assert by_line[3]["intents"][0] == "praise"
    assert "JSON" in str(by_line[5]["error"])
    assert "objet JSON" in str(by_line[6]["error"])
    assert "text" in str(by_line[7]["error"])
    assert by_line[8]["sentiment"] == "negative"
    assert by_line[8]["language"] == "fr"
    assert by_line[9]["intents"][0] == "job_application"
    assert by_line[10]["intents"] == ["other"]
    assert by_line[11]["intents"][0] == "purchase_intent"
    assert "4 ligne(s) en erreur" in err


def test_all_good_lines_exit_zero_and_no_progress_bar_off_a_terminal() -> None:
    code, lines, err = _run_in_process((GOOD * 5).encode())
    assert code == 0
    assert len(lines) == 5
    assert err == ""


def test_default_language_option() -> None:
    _, lines, _ = _run_in_process(
        b'{"text": "Top"}\n{"text": "Top", "lang": "en"}\n', ["classify", "--lang", "fr"]
    )
    assert [line["language"] for line in lines] == ["fr", "en"]


def test_usage_error() -> None:
    code, lines, _ = _run_in_process(b"", ["nope"])
    assert code == 2
    assert lines == []


def test_end_to_end_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "parvis.insight", "classify"],
        input=INPUT,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    lines = [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]
    assert len(lines) == 10
    assert sum(1 for line in lines if "error" in line) == 4
    assert all("intents" in line for line in lines if "error" not in line)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counter_on_a_terminal() -> None:
    err = _Terminal()
    code = main(
        ["classify", "--batch-size", "2"],
        stdin=io.BytesIO((GOOD * 5).encode()),
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 0
    assert "\r5 messages analysés" in err.getvalue()
    assert err.getvalue().endswith("\n")
