// Inbox keyboard shortcuts and small behaviours (no inline script: strict CSP).
// j/k select the next/previous conversation and open it, Enter opens, r focuses the reply,
// e marks done, a focuses the assignment, / focuses the search, ? shows the help.
(() => {
  "use strict";
  const list = () => document.getElementById("inbox-list");
  const items = () => Array.from(document.querySelectorAll("#inbox-list .inbox-item"));
  let current = -1;

  function select(index, open) {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((item, i) => item.classList.toggle("selected", i === current));
    const link = all[current].querySelector(".inbox-link");
    link.focus({ preventScroll: false });
    // Through htmx.ajax rather than a click: a list swapped a moment ago may not be processed
    // by htmx yet, and a click would then load the conversation as a full page.
    if (open && window.htmx) {
      window.htmx.ajax("GET", link.href, { target: "#pane", swap: "innerHTML" });
    } else if (open) {
      link.click();
    }
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.key === "Enter" && event.target.matches("[data-reply-box]")) {
      event.preventDefault();
      // As for « e » below: a pane swapped a moment ago may not be processed by htmx yet, and
      // the form would then post as a full page, leaving the inbox for the conversation page.
      const form = event.target.form;
      if (window.htmx) window.htmx.process(form);
      const send = form.querySelector("[data-send-reply]");
      if (send) send.click(); else form.requestSubmit();
      return;
    }
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (!list()) return;
    const pane = document.getElementById("pane");
    switch (event.key) {
      case "j": select(current + 1, true); break;
      case "k": select(current - 1, true); break;
      case "Enter": if (current >= 0) select(current, true); else return; break;
      case "r": { const box = pane.querySelector("[data-reply-box]"); if (box) box.focus(); else return; break; }
      case "e": {
        const done = pane.querySelector("[data-action-done]");
        if (!done) return;
        // A pane swapped a moment ago may not be processed by htmx yet (it does so on settle):
        // process it now, or the click would post the form as a full page.
        if (window.htmx) window.htmx.process(done.form);
        done.click();
        break;
      }
      case "a": { const who = pane.querySelector("[data-assign]"); if (who) who.focus(); else return; break; }
      case "/": document.getElementById("id_q").focus(); break;
      case "?": toggleHelp(); break;
      default: return;
    }
    event.preventDefault();
  });

  function toggleHelp() {
    const help = document.getElementById("inbox-help");
    if (!help) return;
    if (help.open) help.close(); else help.showModal();
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-inbox-help]")) toggleHelp();
    const fill = event.target.closest("[data-fill-reply]");
    if (fill) {
      const box = document.querySelector("[data-reply-box]");
      box.value = fill.dataset.fillReply;
      box.focus();
    }
    // Back to the list (a phone): the list was only hidden, so it comes back as it was.
    const back = event.target.closest("[data-back-to-list]");
    const page = document.querySelector("[data-inbox-page]");
    if (back && page) {
      event.preventDefault();
      page.classList.remove("reading");
      const chosen = items()[current];
      if (chosen) {
        chosen.scrollIntoView({ block: "center" });
        chosen.querySelector(".inbox-link").focus({ preventScroll: true });
      }
      return;
    }
    const link = event.target.closest("#inbox-list .inbox-link");
    if (link) {
      const index = items().indexOf(link.closest(".inbox-item"));
      items().forEach((item, i) => item.classList.toggle("selected", i === index));
      current = index;
    }
  });

  function hasDraft() {
    return Array.from(document.querySelectorAll("#pane [data-reply-box], #pane [data-note-box]"))
      .some((field) => field.value.trim() !== "");
  }

  // After done / spam / assign: refresh the list in place. When the open conversation left
  // the list (done, spam), open the one that took its place, so « e » flows to the next.
  function refreshList() {
    const target = list();
    if (!target || !window.htmx) return;
    const keep = Math.max(current, 0);
    const open = document.querySelector("#pane [data-conversation]");
    const openId = open ? open.dataset.conversation : "";
    window.htmx.ajax("GET", window.location.pathname + window.location.search, {
      target: "#inbox-list", swap: "innerHTML",
    }).then(() => {
      const all = items();
      if (!all.length) { current = -1; return; }
      const still = all.findIndex((item) => item.dataset.id === openId);
      if (still >= 0 || hasDraft()) {
        // Still listed, or it left the list with a reply or a note half written: the pane
        // stays as it is, the text with it.
        current = still;
        all.forEach((item, i) => item.classList.toggle("selected", i === current));
      } else {
        select(Math.min(keep, all.length - 1), true);
      }
    });
  }


  // « Check now »: the worker reads the accounts in the background, so the list is read again
  // every few seconds for a while. Quietly: the selection stays on the same conversation and
  // nothing is opened, so the person can go on working through the list meanwhile. Through
  // fetch rather than htmx.ajax: htmx queues every htmx.ajax call behind the one in flight and
  // resolves the queued one at once, which would mislead refreshList() below. A list request
  // started by htmx meanwhile (an action, a filter) wins: the quiet answer is then dropped.
  const CHECK_EVERY_MS = 3000;
  const CHECK_FOR_MS = 90000;
  let checkTimer = null;
  let listRequests = 0;

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.target && event.detail.target.id === "inbox-list") listRequests += 1;
  });

  function reloadListQuietly() {
    if (!list()) return;
    const before = listRequests;
    fetch(window.location.pathname + window.location.search, {
      credentials: "same-origin",
      headers: { "HX-Request": "true", "HX-Target": "inbox-list" },
    }).then((response) => (response.ok ? response.text() : null)).then((html) => {
      const target = list();
      if (html === null || !target || listRequests !== before) return;
      const open = document.querySelector("#pane [data-conversation]");
      const chosen = target.querySelector(".inbox-item.selected");
      const keepId = open ? open.dataset.conversation : (chosen ? chosen.dataset.id : "");
      const hadFocus = target.contains(document.activeElement);
      target.innerHTML = html;
      if (window.htmx) window.htmx.process(target);
      const all = items();
      current = all.findIndex((item) => item.dataset.id === keepId);
      all.forEach((item, i) => item.classList.toggle("selected", i === current));
      if (hadFocus && current >= 0) all[current].querySelector(".inbox-link").focus();
    }).catch(() => {});  // the next tick tries again
  }

  function followCheck() {
    if (checkTimer !== null) window.clearInterval(checkTimer);
    const until = Date.now() + CHECK_FOR_MS;
    checkTimer = window.setInterval(() => {
      if (Date.now() > until) {
        window.clearInterval(checkTimer);
        checkTimer = null;
      } else if (!document.hidden) {
        reloadListQuietly();
      }
    }, CHECK_EVERY_MS);
  }

  // An action that may move the conversation in the list (status, assignment, labels) answers
  // with only its own part of the pane and this event: the list is refreshed then.
  document.addEventListener("inbox-changed", () => {
    const pane = document.getElementById("pane");
    const focused = document.activeElement;
    // A button the answer replaced leaves the focus nowhere useful; a field keeps it.
    if (pane && pane.contains(focused) && !typing(focused)) focused.blur();
    refreshList();
  });

  // A conversation opened in the pane. On a phone it takes the screen (the list comes back
  // with « Back to the list »).
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "inbox-check-status") {
      if (event.target.querySelector("[data-checking]")) followCheck();
      return;
    }
    if (event.target.id !== "pane") return;
    const page = document.querySelector("[data-inbox-page]");
    if (page) page.classList.add("reading");
    if (window.matchMedia("(max-width: 800px)").matches) window.scrollTo({ top: 0 });
  });

  // Open the conversation named in the address (?c=ID), or nothing.
  document.addEventListener("DOMContentLoaded", () => {
    const pane = document.getElementById("pane");
    const wanted = pane && pane.dataset.selected;
    if (!wanted) return;
    const index = items().findIndex((item) => item.dataset.id === wanted);
    if (index >= 0) select(index, true);
  });
})();
