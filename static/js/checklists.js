/* Checklists: accessible tabs (arrow keys), dialogs opened from a permalink, closing dialogs
 * after a save, focus kept on the up/down buttons after a move, and the justification field
 * shown only for "non applicable". No inline scripts (CSP). */
(function () {
  "use strict";
  const tablist = document.querySelector(".cl-tabs[role=tablist]");

  function select(tab, focus) {
    if (!tab) return;
    tablist.querySelectorAll("[role=tab]").forEach(function (t) {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(t.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
    if (focus) tab.focus();
    const url = new URL(window.location.href);
    url.searchParams.set("area", tab.dataset.area);
    url.hash = "";
    window.history.replaceState(null, "", url);
  }

  if (tablist) {
    tablist.addEventListener("click", function (evt) {
      const tab = evt.target.closest("[role=tab]");
      if (!tab || evt.ctrlKey || evt.metaKey || evt.shiftKey) return;
      evt.preventDefault();
      select(tab, true);
    });
    tablist.addEventListener("keydown", function (evt) {
      const tabs = Array.from(tablist.querySelectorAll("[role=tab]"));
      const i = tabs.indexOf(document.activeElement);
      if (i === -1) return;
      let j = null;
      if (evt.key === "ArrowRight" || evt.key === "ArrowDown") j = (i + 1) % tabs.length;
      else if (evt.key === "ArrowLeft" || evt.key === "ArrowUp") j = (i - 1 + tabs.length) % tabs.length;
      else if (evt.key === "Home") j = 0;
      else if (evt.key === "End") j = tabs.length - 1;
      if (j === null) return;
      evt.preventDefault();
      select(tabs[j], true);
    });
  }

  function closeDialogs() {
    document.querySelectorAll("#dialogs dialog, #cl-permalink-dialog dialog").forEach(function (d) {
      if (d.open) d.close();
      d.remove();
    });
  }

  // A dialog closed with Escape leaves the page clean (the next one is fetched anew).
  document.addEventListener("close", function (evt) {
    const d = evt.target;
    if (d.matches && d.matches("dialog.cl-dialog, dialog.cl-justify")) d.remove();
  }, true);

  document.addEventListener("checklists:saved", closeDialogs);

  // Keep the keyboard focus on the moved item's button.
  let pendingFocus = null;
  document.addEventListener("checklists:moved", function (evt) {
    pendingFocus = evt.detail;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pendingFocus) return;
    const row = document.getElementById("item-" + pendingFocus.item);
    pendingFocus = pendingFocus && row ? pendingFocus : null;
    if (!row) return;
    const wanted = row.querySelector("[data-move=" + pendingFocus.direction + "]:not([disabled])") ||
      row.querySelector("[data-move]:not([disabled])");
    if (wanted) wanted.focus();
    pendingFocus = null;
  });

  // The justification is asked only when the status is "non applicable".
  function syncJustification(root) {
    (root || document).querySelectorAll("form").forEach(function (form) {
      const status = form.querySelector("select[name=status]");
      const field = form.querySelector(".cl-justification-field");
      if (!status || !field) return;
      const hasError = field.classList.contains("has-error");
      field.hidden = status.value !== "non_applicable" && !hasError;
    });
  }
  document.addEventListener("change", function (evt) {
    if (evt.target.matches(".cl-dialog select[name=status]")) syncJustification(evt.target.closest("dialog"));
  });
  document.addEventListener("htmx:afterSettle", function () { syncJustification(); });

  // An item opened from its address (a link in a notification or a comment).
  const permalink = document.querySelector("#cl-permalink-dialog dialog[data-autoshow]");
  if (permalink) { syncJustification(permalink); permalink.showModal(); }
})();
