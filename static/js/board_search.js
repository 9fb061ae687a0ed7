/* Board filters applied as you type (debounced) or choose: the columns are fetched again with
 * the filters and swapped in place, the address follows (shareable, reload shows the same), the
 * search field keeps its focus and caret. Without JavaScript the form still submits (GET). */
(function () {
  "use strict";
  const form = document.querySelector("form.board-filters");
  const board = document.getElementById("board");
  if (!form || !board) return;
  const Coop = window.Coop || {};
  const en = document.body.dataset.lang === "en";
  const DELAY = 300;
  let timer = null;
  let pending = null;

  function target() {
    const url = new URL(board.dataset.base, window.location.href);
    new FormData(form).forEach(function (value, key) {
      if (value) url.searchParams.append(key, value);
    });
    return url;
  }

  function shownCount() {
    let n = 0;
    board.querySelectorAll("[data-shown]").forEach(function (c) { n += Number(c.dataset.shown) || 0; });
    return n;
  }

  function swapSlot(doc, id) {
    const mine = document.getElementById(id), fresh = doc.getElementById(id);
    if (mine && fresh) mine.replaceWith(fresh);
  }

  function apply() {
    window.clearTimeout(timer);
    const url = target();
    if (pending) pending.abort();
    pending = new AbortController();
    board.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", signal: pending.signal })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(String(r.status))); })
      .then(function (html) {
        const doc = new DOMParser().parseFromString(html, "text/html");
        const fresh = doc.getElementById("board");
        if (!fresh) return;
        board.className = fresh.className;
        board.innerHTML = fresh.innerHTML;
        swapSlot(doc, "board-reset-slot");
        const exp = document.getElementById("board-export"), freshExp = doc.getElementById("board-export");
        if (exp && freshExp) exp.href = freshExp.getAttribute("href");
        if (window.htmx) window.htmx.process(board);
        if (Coop.boardReplaced) Coop.boardReplaced();
        window.history.replaceState(window.history.state, "", url.pathname + url.search);
        const n = shownCount();
        if (Coop.announce) {
          Coop.announce(en ? n + (n === 1 ? " task shown" : " tasks shown")
            : n + (n > 1 ? " tâches affichées" : " tâche affichée"));
        }
      })
      .catch(function (err) {
        if (err.name === "AbortError") return;
        form.submit(); // the server answers the plain way (a full page)
      })
      .finally(function () { board.removeAttribute("aria-busy"); });
  }

  form.addEventListener("input", function (evt) {
    if (evt.target.name !== "q") return;
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, DELAY);
  });
  form.addEventListener("change", function (evt) {
    if (evt.target.name === "q") return; // typed: already handled, debounced
    apply();
  });
  form.addEventListener("submit", function (evt) { evt.preventDefault(); apply(); });
  // The button is only needed without JavaScript (Enter in the search field still submits).
  const submit = form.querySelector(".board-filter-submit");
  if (submit) submit.hidden = true;
})();
