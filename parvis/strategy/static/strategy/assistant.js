// The composer's assistant (parvis/strategy/assistant_views.py): a proposal goes into the
// draft only when the person clicks it. The text lands in the composer's own fields and an
// "input" event follows, so the composer autosaves and re-checks it as if it had been typed.
(function () {
  "use strict";

  function fill(field, text) {
    field.value = text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function confirm(button) {
    button.setAttribute("aria-pressed", "true");
    button.classList.add("applied");
  }

  document.addEventListener("click", function (event) {
    var apply = event.target.closest("[data-assistant-apply]");
    if (apply) {
      var text = apply.getAttribute("data-assistant-apply");
      var ids = (apply.getAttribute("data-assistant-accounts") || "").split(" ");
      ids.forEach(function (pk) {
        var field = document.getElementById("id_override-" + pk);
        if (!field) return;
        var variant = field.closest("details");
        if (variant) variant.open = true;
        fill(field, text);
      });
      confirm(apply);
      return;
    }
    var append = event.target.closest("[data-assistant-append]");
    if (append) {
      var body = document.getElementById("id_body");
      if (!body) return;
      var words = append.getAttribute("data-assistant-append");
      fill(body, body.value.replace(/\s+$/, "") + (body.value.trim() ? "\n\n" : "") + words);
      confirm(append);
    }
  });
})();
