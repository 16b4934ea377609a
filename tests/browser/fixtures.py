"""Playwright driving Debian's Chromium (installed by scripts/install-browser.sh).

Registered once, in tests/conftest.py: a second registration would start a second Playwright
in the same thread, which Playwright refuses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.processes import IsolatedInstance, isolated_instance

CHROMIUM = os.environ.get("PARVIS_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google at start-up, which a
# closed network refuses many times over.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./scripts/install-browser.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[IsolatedInstance]:
    """A real embedded Parvis (web server, worker, scheduler) in its own folder and database."""
    with isolated_instance(tmp_path) as instance:
        instance.start(
            "parvis", "run", "--bind", f"127.0.0.1:{instance.port}", "--web-workers", "1"
        )
        instance.wait_until(
            lambda: instance.health().status_code == 200, timeout=90, what="Parvis to start"
        )
        yield instance


@pytest.fixture
def page(browser: Browser, server: IsolatedInstance) -> Iterator[Page]:
    """A French browser page on the instance. A Content Security Policy violation or a script
    error on one of Parvis' pages fails the test (a peer's own pages, say mastodon-mock's
    missing favicon, do not count)."""
    context = browser.new_context(base_url=server.base_url, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []

    def collect(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type == "error" and (not where or where.startswith(server.base_url)):
            errors.append(f"{message.text} ({where})")

    page.on("console", collect)
    yield page
    context.close()
    assert not errors, errors
