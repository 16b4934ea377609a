// Publishing pages: composer helpers and calendar drag and drop. No framework, no inline code
// (strict CSP); the server stays the source of truth and every action also works without JS.
(() => {
  "use strict";

  const fire = (element, ...types) => {
    for (const type of types) element.dispatchEvent(new Event(type, { bubbles: true }));
  };

  // Composer: show a variant tab only for the accounts ticked.
  document.addEventListener("change", (event) => {
    const box = event.target.closest("input[data-variant]");
    if (!box) return;
    const variant = document.getElementById(box.dataset.variant);
    if (variant) variant.hidden = !box.checked;
  });

  // Composer: "use the adapted text", "use the suggested time", "use the suggested category".
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-fill], [data-fill-date], [data-fill-select]");
    if (!button) return;
    if (button.dataset.fill) {
      const field = document.getElementById(button.dataset.fill);
      if (!field) return;
      const variant = field.closest("details");
      if (variant) variant.open = true;
      field.value = button.dataset.text || "";
      fire(field, "input", "keyup");
      field.focus();
    } else if (button.dataset.fillDate) {
      const day = document.getElementById("id_date");
      const time = document.getElementById("id_time");
      if (day) day.value = button.dataset.fillDate;
      if (time) time.value = button.dataset.fillTime || "";
    } else if (button.dataset.fillSelect) {
      const select = document.getElementById(button.dataset.fillSelect);
      if (!select) return;
      select.value = button.dataset.value;
      fire(select, "change");
    }
  });

  // Composer: once autosave created the draft, the address becomes its edit page (a reload
  // then shows the saved draft). Done here rather than with HX-Replace-Url, whose history
  // snapshot of the page would interrupt the live checks.
  document.addEventListener("htmx:afterSettle", () => {
    const status = document.querySelector("#save-status[data-edit-url]");
    if (status && window.location.pathname !== status.dataset.editUrl) {
      window.history.replaceState(null, "", status.dataset.editUrl);
    }
  });

  // Composer: a failed autosave (network down, server error) says so; the text stays here
  // and the next keystroke or the buttons save it again.
  const unsaved = (event) => {
    if (!event.target.closest || !event.target.closest("#compose-form")) return;
    const status = document.getElementById("save-status");
    if (status) {
      status.textContent = status.dataset.unsaved || "Not saved: check your connection.";
      status.classList.add("error");
    }
  };
  document.addEventListener("htmx:sendError", unsaved);
  document.addEventListener("htmx:responseError", unsaved);

  // Composer: a copy of the typed text stays in this browser until the server has it, so a
  // lost connection followed by a reload loses nothing; the page offers it back.
  const form = document.getElementById("compose-form");
  const backupKey = () => {
    const id = document.getElementById("post-id");
    return `parvis-compose:${form.dataset.org}:${id && id.value ? id.value : "new"}`;
  };
  const typedFields = () =>
    Array.from(form.querySelectorAll("textarea")).map((field) => [field.id, field.value]);
  if (form && window.localStorage) {
    const saved = window.localStorage.getItem(backupKey());
    if (saved) {
      const fields = JSON.parse(saved);
      const differs = fields.some(([id, value]) => {
        const field = document.getElementById(id);
        return field && field.value !== value;
      });
      const offer = document.getElementById("restore-backup");
      if (differs && offer) {
        offer.hidden = false;
        offer.querySelector("button").addEventListener("click", () => {
          for (const [id, value] of fields) {
            const field = document.getElementById(id);
            if (field) field.value = value;
          }
          offer.hidden = true;
          fire(document.getElementById("id_body"), "input");
        });
      } else if (!differs) {
        window.localStorage.removeItem(backupKey());
      }
    }
    form.addEventListener("input", () => {
      window.localStorage.setItem(backupKey(), JSON.stringify(typedFields()));
    });
    let sent = null;
    form.addEventListener("htmx:beforeRequest", (event) => {
      if (event.detail.elt === form) sent = JSON.stringify(typedFields());
    });
    document.addEventListener("htmx:afterSettle", () => {
      const status = document.getElementById("save-status");
      // Only when the server has exactly what is on the screen now.
      if (status && status.dataset.saved && sent === JSON.stringify(typedFields())) {
        window.localStorage.removeItem(`parvis-compose:${form.dataset.org}:new`);
        window.localStorage.removeItem(backupKey());
      }
    });
    form.addEventListener("submit", () => {
      // A full submit saves on the server first; the copy is no longer needed after it.
      window.localStorage.removeItem(backupKey());
    });
  }

  // Calendar: drag a planned post onto another day.
  const csrfToken = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  };
  const say = (message, ok) => {
    const status = document.getElementById("cal-status");
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("error", !ok);
  };
  let dragged = null;

  document.addEventListener("dragstart", (event) => {
    const item = event.target.closest && event.target.closest("[data-move-url]");
    if (!item) return;
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.post);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    document.querySelectorAll(".cal-day.drop-target").forEach((d) => d.classList.remove("drop-target"));
  });
  document.addEventListener("dragover", (event) => {
    const day = dragged && event.target.closest && event.target.closest("[data-drop-date]");
    if (!day) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    day.classList.add("drop-target");
  });
  document.addEventListener("dragleave", (event) => {
    const day = event.target.closest && event.target.closest("[data-drop-date]");
    if (day && !day.contains(event.relatedTarget)) day.classList.remove("drop-target");
  });
  document.addEventListener("drop", async (event) => {
    const day = dragged && event.target.closest && event.target.closest("[data-drop-date]");
    if (!day) return;
    event.preventDefault();
    const item = dragged;
    dragged = null;
    day.classList.remove("drop-target");
    const body = new FormData();
    body.append("date", day.dataset.dropDate);
    item.classList.add("moving");
    try {
      const response = await fetch(item.dataset.moveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Parvis-Drag": "1" },
      });
      const answer = await response.json();
      if (answer.ok) {
        day.querySelector(".cal-posts").appendChild(item);
        const dateField = item.querySelector("input[name=date]");
        if (dateField) dateField.value = day.dataset.dropDate;
      }
      say(answer.message, answer.ok);
    } catch (error) {
      say(document.documentElement.lang === "fr" ? "Déplacement impossible : réessayez." : "Could not move the post: try again.", false);
    } finally {
      item.classList.remove("moving");
    }
  });
})();
