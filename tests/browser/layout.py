"""What a page must look like on a phone and on a laptop, measured in the real browser.

A click-through test passes on a page whose columns are squeezed to a few pixels; these checks
do not. They measure the rendered page: no horizontal scrolling, a visible title, no field, cell
or calendar day narrower than a finger, and on a phone, buttons and menu links tall enough to
touch (44 px, WCAG 2.5.5 and Apple's and Google's guidelines).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify
from playwright.sync_api import Page

from tests.processes import ROOT

PHONE = 390
LAPTOP = 1366
WIDTHS = (PHONE, LAPTOP)
TOUCH_PX = 44
# Narrower than this, a cell, a field or a day of the calendar shows a few letters per line.
MIN_WIDTH_PX = {PHONE: 44, LAPTOP: 90}

# One script, run in the page: every measure the checks need, in one round trip.
_MEASURE = """
(touchPx) => {
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || style.display === "none" || box.width === 0
      || box.height === 0) return false;
    // Inside a visually hidden block (a stacked table's header, say): read aloud, not shown.
    for (let up = el.parentElement; up; up = up.parentElement) {
      const around = up.getBoundingClientRect();
      if (around.width <= 1 || around.height <= 1) return false;
    }
    return true;
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "")
      .replace(/\\s+/g, " ").trim();
    const cls = typeof el.className === "string" && el.className ? "." + el.className.trim()
      .split(/\\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${cls} « ${text.slice(0, 40)} »`;
  };
  const root = document.documentElement;
  // The page's title, or the heading of the one pane a phone shows (the inbox's conversation).
  const title = [...document.querySelectorAll("main h1, main h2")].find(visible);
  const squeezed = [...document.querySelectorAll(
    "main td, main th, main .cal-day, main .card, main textarea, main select, " +
    "main input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file])"
  )].filter(visible).map((el) => [describe(el), Math.round(el.getBoundingClientRect().width)]);
  const touch = [...document.querySelectorAll(
    "main .btn, main button:not(.linklike), .sidemenu a, .menu-toggle, .topbar button"
  )].filter(visible).map((el) => [describe(el), Math.round(el.getBoundingClientRect().height)]);
  const wide = [...document.body.querySelectorAll("*")].filter(visible)
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 5).map(describe);
  return {
    overflow: root.scrollWidth - root.clientWidth,
    title: title ? title.innerText.trim() : "",
    squeezed, touch, wide,
  };
}
"""


@dataclass(frozen=True)
class PageCheck:
    name: str
    width: int
    problems: tuple[str, ...]
    screenshot: Path


def screenshot_dir() -> Path:
    """Where the suite leaves its screenshots for a person to look at (one folder per engine)."""
    engine = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    return ROOT / "var" / "screenshots" / engine


def check_layout(page: Page, name: str) -> PageCheck:
    """Measure the page as it is now, save its screenshot and return what is wrong with it."""
    width = page.viewport_size["width"] if page.viewport_size else LAPTOP
    measures = page.evaluate(_MEASURE, TOUCH_PX)
    problems: list[str] = []
    if measures["overflow"] > 1:
        problems.append(
            f"scrolls sideways by {measures['overflow']} px (beyond the edge: "
            f"{', '.join(measures['wide'])})"
        )
    if not measures["title"]:
        problems.append("no visible title (main h1, or h2 on a one-pane phone view)")
    minimum = MIN_WIDTH_PX[width] if width in MIN_WIDTH_PX else MIN_WIDTH_PX[LAPTOP]
    problems += [
        f"{what} is {px} px wide (minimum {minimum})"
        for what, px in measures["squeezed"]
        if px < minimum
    ]
    if width <= PHONE:
        problems += [
            f"{what} is {px} px tall, too small to touch (minimum {TOUCH_PX})"
            for what, px in measures["touch"]
            if px < TOUCH_PX
        ]
    folder = screenshot_dir() / str(width)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{slugify(name)}.png"
    page.screenshot(path=str(target), full_page=True)
    return PageCheck(name=name, width=width, problems=tuple(problems), screenshot=target)
