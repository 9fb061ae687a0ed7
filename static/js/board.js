/* Board: drag and drop (SortableJS), keyboard moves, the "Déplacer" dialog, the task panel.
 * Loaded on every page (Plugin.scripts) but does nothing without #board. Moves are sent with
 * fetch (JSON) and the CSRF header; the server's realtime notice then refreshes the columns of
 * everyone, including us (each under their own permissions). Keyboard and dialog moves first
 * move the card in the page, as SortableJS does for a drag, so that while the refreshes of both
 * columns arrive (in any order) the card's id is never on the page twice. */
(function () {
  "use strict";
  const board = document.getElementById("board");
  if (!board) return;
  const Coop = window.Coop || {};
  const en = document.body.dataset.lang === "en";
  const editable = board.dataset.editable === "1";
  const base = board.dataset.base;
  // Task id of the card moved with the keyboard or the dialog: it keeps the focus through the
  // refreshes that replace it, until the person focuses something else.
  let focusAfter = null;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }
  function idOf(card) { return card.id.slice(1); } // "t42" → "42"
  function cardTitle(card) { return card.querySelector(".tt").textContent.trim(); }
  function bodies() { return Array.prototype.slice.call(board.querySelectorAll(".bcol-body")); }
  function cards(body) { return Array.prototype.slice.call(body.querySelectorAll(":scope > .tc")); }
  function liveOf(colId) { return board.querySelectorAll('[data-live="column:' + colId + '"]'); }
  function refresh(colIds) {
    colIds.forEach(function (id) {
      liveOf(id).forEach(function (el) { window.htmx.trigger(el, "live", {}); });
    });
  }

  function send(taskId, columnId, position, confirmed) {
    const data = new FormData();
    data.append("column_id", columnId);
    data.append("position", position);
    if (confirmed) data.append("confirm", "1");
    return fetch(base + "tasks/" + taskId + "/move", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        return { status: r.status, body: body };
      });
    });
  }

  function confirmDialog(message) {
    return new Promise(function (resolve) {
      const d = document.createElement("dialog");
      d.className = "dialog confirm";
      const p = document.createElement("p"); p.textContent = message; d.appendChild(p);
      const actions = document.createElement("div"); actions.className = "actions";
      const yes = document.createElement("button"); yes.type = "button"; yes.className = "button primary";
      yes.textContent = en ? "Move anyway" : "Déplacer quand même";
      const no = document.createElement("button"); no.type = "button"; no.className = "button";
      no.textContent = en ? "Cancel" : "Annuler";
      actions.append(yes, no); d.appendChild(actions); document.body.appendChild(d);
      function done(v) { d.close(); d.remove(); resolve(v); }
      yes.addEventListener("click", function () { done(true); });
      no.addEventListener("click", function () { done(false); });
      d.addEventListener("cancel", function () { d.remove(); resolve(false); });
      d.showModal(); no.focus();
    });
  }

  /** Move a task; resolves to true when the server accepted it. */
  function move(taskId, fromCol, toCol, position, title, toName) {
    return send(taskId, toCol, position, false).then(function (res) {
      if (res.status === 409 && res.body.confirm) {
        return confirmDialog(res.body.error.message).then(function (ok) {
          return ok ? send(taskId, toCol, position, true) : res;
        });
      }
      return res;
    }).then(function (res) {
      refresh(fromCol === toCol ? [toCol] : [fromCol, toCol]);
      if (res.status === 200) {
        Coop.announce((en ? "“" + title + "” moved to " : "« " + title + " » déplacée vers ") +
          toName + (en ? ", position " : ", position ") + (res.body.position + 1));
        return true;
      }
      if (res.status !== 409 && Coop.toast) {
        Coop.toast((res.body.error && res.body.error.message) || (en ? "Move refused." : "Déplacement refusé."), "error");
      }
      return false;
    });
  }

  /** The final 0-based position of a dropped card, from its neighbours' stored positions
   * (they are absolute even when the column is filtered or partly loaded). */
  function dropPosition(card, sameColumn, oldPos) {
    const prev = card.previousElementSibling && card.previousElementSibling.classList.contains("tc")
      ? card.previousElementSibling : null;
    const next = card.nextElementSibling && card.nextElementSibling.classList.contains("tc")
      ? card.nextElementSibling : null;
    if (prev) {
      const p = Number(prev.dataset.pos);
      return sameColumn && p > oldPos ? p : p + 1;
    }
    if (next) {
      const n = Number(next.dataset.pos);
      return sameColumn && n > oldPos ? n - 1 : n;
    }
    return 0;
  }

  function initSortable(root) {
    if (!editable || !window.Sortable) return;
    (root.querySelectorAll ? root.querySelectorAll(".bcol-body") : []).forEach(function (body) {
      if (body.dataset.sortable) return;
      body.dataset.sortable = "1";
      window.Sortable.create(body, {
        group: "board", draggable: ".tc", animation: 120, filter: "button, input",
        preventOnFilter: false, delay: 150, delayOnTouchOnly: true, ghostClass: "tc-ghost",
        forceFallback: true, fallbackOnBody: true, // mouse events: same on touch, testable
        onEnd: function (evt) {
          const card = evt.item;
          const from = evt.from.dataset.col, to = evt.to.dataset.col;
          if (from === to && evt.oldIndex === evt.newIndex) return;
          const pos = dropPosition(card, from === to, Number(card.dataset.pos));
          move(idOf(card), from, to, pos, cardTitle(card), evt.to.dataset.name);
        },
      });
    });
  }
  if (board.matches(".bcol-body") || board.querySelector(".bcol-body")) initSortable(board);
  // The live filters (board_search.js) replace the columns: make the new ones draggable.
  Coop.boardReplaced = function () { initSortable(board); };
  window.htmx.onLoad(function (el) { initSortable(el.parentElement || el); refocus(); });

  /** Give the focus back to the moved card when a swap dropped it on <body>. Several swaps
   * (both columns, the card itself) settle in any order, so this runs after each of them. */
  function refocus() {
    if (!focusAfter) return;
    const active = document.activeElement;
    const card = document.getElementById("t" + focusAfter);
    if (active && active !== document.body && active !== card) { focusAfter = null; return; }
    if (card && active !== card) card.focus({ preventScroll: true });
  }
  document.addEventListener("htmx:afterSettle", refocus);

  // A long column's next page (the « Afficher plus » button, loaded as it scrolls into view):
  // when the button had the keyboard focus, give it to the first card it brought.
  let moreFocus = null;
  board.addEventListener("htmx:beforeRequest", function (evt) {
    const button = evt.detail.elt;
    if (!button.matches || !button.matches(".more") || document.activeElement !== button) return;
    const body = button.closest(".bcol-body");
    moreFocus = { body: body, shown: cards(body).length };
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!moreFocus) return;
    const next = cards(moreFocus.body)[moreFocus.shown];
    moreFocus = null;
    if (next && (document.activeElement === document.body || !document.activeElement)) next.focus();
  });

  /** Put the card where the server will put it, before the refreshes confirm (or undo) it.
   * Positions are absolute (a column may be filtered or partly loaded): the card goes before the
   * first other card whose position, once the card has left its place, is at least ``position``. */
  function place(card, target, position) {
    const from = card.closest(".bcol-body");
    const oldPos = Number(card.dataset.pos);
    const before = cards(target).filter(function (c) { return c !== card; }).find(function (c) {
      const p = Number(c.dataset.pos);
      return (from === target && p > oldPos ? p - 1 : p) >= position;
    }) || target.querySelector(":scope > .more");
    const focused = card.contains(document.activeElement);
    target.insertBefore(card, before || null);
    if (focused) card.focus(); // moving a node in the DOM blurs it
  }
  document.addEventListener("focusin", function (evt) {
    if (focusAfter && evt.target.id !== "t" + focusAfter) focusAfter = null;
  });

  // Someone else's move: place the card at once too, so that the refreshes the notice triggers
  // (old column, new column, the card itself) never show it in both columns.
  document.addEventListener("coop:notice", function (evt) {
    const notice = evt.detail;
    if (notice.type !== "task:moved" || notice.column == null) return;
    const card = document.getElementById("t" + notice.id);
    const row = card && card.closest(".bcols");
    const target = row && row.querySelector('.bcol-body[data-col="' + notice.column + '"]');
    if (target && card.closest(".bcol-body") !== target) place(card, target, Number(notice.position) || 0);
  });

  // Keyboard: Alt+←/→ to the previous/next column, Alt+↑/↓ one place up/down.
  board.addEventListener("keydown", function (evt) {
    const card = evt.target.closest && evt.target.closest(".tc");
    if (!card || evt.target !== card) return;
    if (evt.key === "Enter") { openPanel(idOf(card)); evt.preventDefault(); return; }
    if (!editable || !evt.altKey) return;
    const body = card.closest(".bcol-body");
    const all = bodies().filter(function (b) { return b.closest(".bcols") === body.closest(".bcols"); });
    const ci = all.indexOf(body);
    const pos = Number(card.dataset.pos);
    let target = body, position = pos;
    if (evt.key === "ArrowLeft" || evt.key === "ArrowRight") {
      target = all[ci + (evt.key === "ArrowLeft" ? -1 : 1)];
      if (!target) return;
      position = Math.min(pos, cards(target).length ? Number(cards(target).slice(-1)[0].dataset.pos) + 1 : 0);
    } else if (evt.key === "ArrowUp" || evt.key === "ArrowDown") {
      position = pos + (evt.key === "ArrowUp" ? -1 : 1);
      const last = cards(body).slice(-1)[0];
      if (position < 0 || position > Number(last.dataset.pos)) return;
    } else { return; }
    evt.preventDefault();
    place(card, target, position);
    focusAfter = idOf(card);
    move(idOf(card), body.dataset.col, target.dataset.col, position, cardTitle(card), target.dataset.name);
  });

  // The "Déplacer" dialog (column + position), from the button on each card.
  const dialog = document.getElementById("move-dialog");
  let moving = null;
  board.addEventListener("click", function (evt) {
    const btn = evt.target.closest("[data-move]");
    if (btn && dialog) {
      const card = btn.closest(".tc");
      moving = card;
      dialog.querySelector("#move-task-title").textContent = cardTitle(card);
      dialog.querySelector("#move-column").value = card.closest(".bcol-body").dataset.col;
      dialog.querySelector("#move-position").value = Number(card.dataset.pos) + 1;
      dialog.showModal();
      return;
    }
    const link = evt.target.closest(".tc .tt");
    if (link && !evt.ctrlKey && !evt.metaKey) {
      evt.preventDefault();
      openPanel(idOf(link.closest(".tc")));
    }
  });
  if (dialog) {
    dialog.querySelector("[data-move-cancel]").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector("form").addEventListener("submit", function (evt) {
      evt.preventDefault();
      // A live refresh may have replaced the card while the dialog was open: take the current one.
      const card = moving && (document.getElementById(moving.id) || moving);
      moving = null;
      dialog.close(); // gives the focus back to the card's button; it goes to the card below
      if (!card || !card.isConnected) return;
      const select = dialog.querySelector("#move-column");
      const to = select.value;
      const position = Math.max(Number(dialog.querySelector("#move-position").value || 1) - 1, 0);
      const body = card.closest(".bcol-body");
      const target = card.closest(".bcols").querySelector('.bcol-body[data-col="' + to + '"]');
      if (target) place(card, target, position);
      card.focus();
      focusAfter = idOf(card);
      move(idOf(card), body.dataset.col, to, position, cardTitle(card), select.options[select.selectedIndex].text);
    });
  }

  // A comment on a task (its thread's notice) refreshes the card: its counter follows live.
  // Listened here rather than in each card's data-live: 20 bytes × 5 000 cards.
  document.addEventListener("coop:notice", function (evt) {
    (evt.detail.keys || []).forEach(function (key) {
      const found = /^comments:task:(\d+)$/.exec(key);
      const card = found && document.getElementById("t" + found[1]);
      if (card && board.contains(card)) window.htmx.trigger(card, "live", evt.detail);
    });
  });

  // Opening a card puts it in the address (?task=N, one history entry): copying the address
  // shares the card, Back closes it, Forward opens it again.
  function openPanel(taskId, fromHistory) {
    window.htmx.ajax("GET", base + "tasks/" + taskId, { target: "#dialogs", swap: "innerHTML" });
    if (fromHistory) return;
    const url = new URL(window.location.href);
    if (url.searchParams.get("task") === String(taskId)) return;
    url.searchParams.set("task", taskId);
    window.history.pushState({ coopTask: String(taskId) }, "", url);
  }
  window.addEventListener("popstate", function (evt) {
    const panel = document.getElementById("task-panel");
    const wanted = evt.state && evt.state.coopTask;
    if (wanted) { if (!panel || !panel.open || panel.dataset.task !== wanted) openPanel(wanted, true); return; }
    if (panel && panel.open) { closingFromHistory = true; panel.close(); }
  });
  let closingFromHistory = false;

  // Quick add: clear the field after success and show the new card.
  board.addEventListener("htmx:afterRequest", function (evt) {
    const form = evt.detail.elt;
    if (!form.classList || !form.classList.contains("quick-add") || !evt.detail.successful) return;
    form.reset();
    refresh([form.querySelector("[name=column_id]").value]);
  });

  // The task was deleted (to the trash): its panel closes, the address follows (see below).
  document.body.addEventListener("coop:panel-close", function () {
    const panel = document.getElementById("task-panel");
    if (!panel) return;
    // Removed once closed (the address follows on "close"), else the next settle would show
    // it again (data-autoshow).
    if (!panel.open) { panel.remove(); return; }
    panel.addEventListener("close", function () { panel.remove(); }, { once: true });
    panel.close();
  });

  // A panel rendered with the page (?task=42: a shared link) opens at once.
  document.querySelectorAll("dialog[data-autoshow]:not([open])").forEach(function (d) { d.showModal(); });
  // Closing the panel: the address goes back to the board — the entry before the card when
  // this page opened it, else (a shared link) ?task= dropped — so that a reload shows the board.
  document.addEventListener("close", function (evt) {
    if (evt.target.id !== "task-panel") return;
    if (closingFromHistory) { closingFromHistory = false; return; }
    if (window.history.state && window.history.state.coopTask) { window.history.back(); return; }
    if (window.location.search.indexOf("task=") !== -1) {
      const url = new URL(window.location.href); url.searchParams.delete("task");
      window.history.replaceState(null, "", url);
    }
  }, true);
})();
