"""``parvis insight classify``: JSON lines in, one JSON line of analysis out per input line.

Input lines are objects ``{"text": "...", "lang": "fr"}`` (``lang`` optional, any other key
ignored except ``id``, which is copied to the output). Each output line carries ``line`` (the
1-based input line number) and either the analysis or an ``error`` message in French: a bad
line (invalid UTF-8, broken JSON, missing text) never stops the batch. Blank input lines are
skipped. Lines are read and analysed in batches; a progress counter goes to stderr only
when stderr is a terminal. Exit status: 0 when every line was analysed, 1 when some lines
had errors (all others were still written), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

from parvis.insight.analysis import analyse_many

BATCH_SIZE = 256
# Lines longer than this are refused rather than parsed: a social message is a few thousand
# characters at most, and analysis reads only the first 3,000 anyway.
MAX_LINE_BYTES = 1_000_000


def main(
    argv: list[str] | None = None,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Entry point; streams default to the process's standard streams."""
    parser = argparse.ArgumentParser(prog="parvis insight", description="Analyse de messages.")
    commands = parser.add_subparsers(dest="command", required=True)
    classify = commands.add_parser(
        "classify", help='lit des lignes JSON {"text": …} et écrit une analyse par ligne'
    )
    classify.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    classify.add_argument("--lang", default=None, help="langue du compte si une ligne n’en a pas")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    source = stdin if stdin is not None else sys.stdin.buffer
    sink = stdout if stdout is not None else sys.stdout
    errors = stderr if stderr is not None else sys.stderr
    return _classify(source, sink, errors, max(1, args.batch_size), args.lang)


def _classify(
    source: IO[bytes], sink: IO[str], errors: IO[str], size: int, lang: str | None
) -> int:
    progress = _Progress(errors) if errors.isatty() else None
    failed = 0
    for batch in _batches(_numbered_lines(source), size):
        requests: list[tuple[int, dict[str, Any]]] = []
        outputs: dict[int, dict[str, Any]] = {}
        for number, raw in batch:
            parsed = _parse(raw, lang)
            if isinstance(parsed, str):
                outputs[number] = {"line": number, "error": parsed}
                failed += 1
            else:
                requests.append((number, parsed))
        analyses = analyse_many(
            [request["text"] for _, request in requests],
            lang_hints=[request["lang"] for _, request in requests],
        )
        for (number, request), analysis in zip(requests, analyses, strict=True):
            line: dict[str, Any] = {"line": number}
            if "id" in request:
                line["id"] = request["id"]
            line.update(analysis.to_dict())
            outputs[number] = line
        for number, _ in batch:
            sink.write(json.dumps(outputs[number], ensure_ascii=False) + "\n")
        sink.flush()
        if progress:
            progress.advance(len(batch))
    if progress:
        progress.finish()
    if failed:
        errors.write(f"{failed} ligne(s) en erreur, voir le champ « error ».\n")
        return 1
    return 0


def _numbered_lines(source: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(source, start=1):
        if raw.strip():
            yield number, raw


def _batches(lines: Iterator[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    batch: list[tuple[int, bytes]] = []
    for item in lines:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parse(raw: bytes, default_lang: str | None) -> dict[str, Any] | str:
    """Return the request of one input line, or a French error message."""
    if len(raw) > MAX_LINE_BYTES:
        return f"ligne trop longue (plus de {MAX_LINE_BYTES} octets)"
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"UTF-8 invalide à l’octet {error.start}"
    try:
        # strict=False accepts raw control characters inside strings: they are harmless once
        # the text is cleaned, and refusing them would lose a real message.
        value = json.loads(decoded, strict=False)
    except ValueError as error:
        return f"JSON invalide : {error}"
    if not isinstance(value, dict):
        return 'objet JSON attendu, par exemple {"text": "…"}'
    text = value.get("text")
    if not isinstance(text, str):
        return "champ « text » manquant ou non textuel"
    lang = value.get("lang", default_lang)
    request: dict[str, Any] = {"text": text, "lang": lang if isinstance(lang, str) else None}
    if "id" in value and isinstance(value["id"], str | int | float | bool | None):
        request["id"] = value["id"]
    return request


class _Progress:
    """A one-line counter on a terminal: messages done and rate."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.done = 0
        self.started = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        self.stream.write(f"\r{self.done} messages analysés ({rate:,.0f}/s)".replace(",", "\u202f"))
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
