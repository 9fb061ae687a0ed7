// First-visit tour (workspace/help/tour.py): steps in a <dialog>, "Suivant" / "Passer" / "Terminer".
// Finishing, skipping or pressing Escape posts once to /help/tour, so it never comes back.
(function () {
  "use strict";

  function remember(form) {
    const body = new FormData(form);
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).catch(function () { /* offline: the tour shows again next time, no harm */ });
  }

  function start(dialog) {
    const form = dialog.querySelector("form");
    const steps = Array.from(dialog.querySelectorAll(".tour-step"));
    const next = dialog.querySelector("[data-tour-next]");
    const done = dialog.querySelector("[data-tour-done]");
    let current = 0;
    let closed = false;

    function finish() {
      if (closed) return;
      closed = true;
      remember(form);
      dialog.close();
    }

    next.addEventListener("click", function () {
      steps[current].hidden = true;
      current += 1;
      steps[current].hidden = false;
      dialog.setAttribute("aria-labelledby", "tour-title-" + current);
      if (current === steps.length - 1) {
        next.hidden = true;
        done.hidden = false;
        done.focus();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      finish();
    });
    dialog.addEventListener("cancel", finish); // Escape
    dialog.showModal();
  }

  function init() {
    const dialog = document.getElementById("tour");
    if (dialog && typeof dialog.showModal === "function") start(dialog);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
