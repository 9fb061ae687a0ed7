/* Coopilote glue between htmx and Socket.IO (no inline scripts: the CSP forbids them).
 *
 * Realtime notices ({type, id, project, by, keys, summary}) trigger a "live" event on every
 * element whose data-live attribute lists one of the notice's keys ("task:42", "column:3"),
 * the wildcard of its type ("task:*") or "*". Such elements declare hx-trigger="live" and
 * refetch themselves under the reader's own permissions. Others' changes are highlighted and
 * announced politely. */
(function () {
  "use strict";
  const body = document.body;
  const lang = body.dataset.lang || "fr";
  const me = body.dataset.user ? Number(body.dataset.user) : null;
  const projectId = body.dataset.project ? Number(body.dataset.project) : null;
  const Coop = (window.Coop = window.Coop || {});

  function announce(text) {
    const region = document.getElementById("live-announcer");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }
  Coop.announce = announce;

  // action: {label, url} — a button that POSTs to url (« Annuler » after a deletion); the
  // toast then stays longer, and the answer's own toast says what happened.
  function toast(message, kind, action) {
    const box = document.getElementById("toasts");
    if (!box || !message) return;
    const el = document.createElement("div");
    el.className = "toast toast-" + (kind || "success");
    el.setAttribute("role", kind === "error" ? "alert" : "status");
    const text = document.createElement("span");
    text.textContent = message;
    el.appendChild(text);
    if (action && action.url) {
      const b = document.createElement("button");
      b.type = "button"; b.className = "button small toast-action"; b.textContent = action.label;
      b.addEventListener("click", function () {
        b.disabled = true;
        window.htmx.ajax("POST", action.url, { source: document.body, swap: "none" })
          .then(function () { el.remove(); });
      });
      el.appendChild(b);
    }
    box.appendChild(el);
    window.setTimeout(function () { el.remove(); }, action ? 12000 : 5000);
  }
  Coop.toast = toast;

  function matches(el, keys) {
    const wanted = (el.dataset.live || "").split(/\s+/);
    return wanted.some(function (k) { return keys.indexOf(k) !== -1; });
  }

  function dispatchNotice(notice) {
    const keys = (notice.keys || []).slice();
    keys.push(notice.type.split(":")[0] + ":*", "*");
    const fromOther = notice.by !== me;
    document.querySelectorAll("[data-live]").forEach(function (el) {
      if (!matches(el, keys)) return;
      if (fromOther) el.dataset.liveFlash = "1";
      window.htmx.trigger(el, "live", notice);
    });
    document.dispatchEvent(new CustomEvent("coop:notice", { detail: notice }));
    if (fromOther && notice.summary) {
      const who = notice.by_name ? notice.by_name + " " : "";
      announce(who + (notice.summary[lang] || notice.summary.fr || ""));
    }
  }
  Coop.dispatchNotice = dispatchNotice;

  // Keep keyboard focus across swaps: a live refresh replaces the focused card or row with a
  // fresh copy carrying the same id; without this, focus would fall back to <body>.
  let focusedId = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    const active = document.activeElement;
    const target = evt.detail.target;
    focusedId = active && active.id && target && (target === active || target.contains(active))
      ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusedId) return;
    const again = document.getElementById(focusedId);
    focusedId = null;
    if (again && (document.activeElement === document.body || !document.activeElement)) {
      again.focus({ preventScroll: true });
    }
  });

  // After a live refresh, highlight what changed (others' changes only).
  document.addEventListener("htmx:afterSettle", function (evt) {
    const el = evt.detail.elt;
    if (el && el.dataset && el.dataset.liveFlash) {
      delete el.dataset.liveFlash;
      el.classList.remove("live-flash");
      void el.offsetWidth;
      el.classList.add("live-flash");
    }
    // Dialogs delivered by htmx open themselves and take focus.
    document.querySelectorAll("dialog[data-autoshow]:not([open])").forEach(function (d) {
      d.showModal();
    });
    const focus = evt.detail.elt && evt.detail.elt.querySelector && evt.detail.elt.querySelector("[autofocus]");
    if (focus) focus.focus();
  });

  // Toasts sent by the server in HX-Trigger: {"coop:toast": [{message, kind}]}.
  function showToasts(evt) {
    const items = Array.isArray(evt.detail.value) ? evt.detail.value : [evt.detail];
    items.forEach(function (t) { toast(t.message, t.kind, t.action); });
  }
  body.addEventListener("coop:toast", showToasts);
  // htmx dispatches HX-Trigger events on the element that sent the request. The live refresh
  // that our own change triggers often arrives first and replaces that element (a form inside
  // the refreshed list): the event then never reaches <body> and the toast was lost. So listen
  // on the sending element too, for the case where it has left the page.
  const listening = new WeakSet();
  document.addEventListener("htmx:beforeRequest", function (evt) {
    const elt = evt.detail.elt;
    if (!elt || listening.has(elt)) return;
    listening.add(elt);
    elt.addEventListener("coop:toast", function (e) {
      // Once only: the event also bubbles through the removed ancestors that listen too.
      if (e.target === elt && !body.contains(elt)) showToasts(e);
    });
  });

  // Dialog buttons.
  // data-copy="selector": copy that element's text (a conflict's « Copier ma saisie »), as
  // "Label : value" lines for a <dl>; the button says so for a moment.
  document.addEventListener("click", function (evt) {
    const b = evt.target.closest("[data-copy]");
    if (!b) return;
    const src = document.querySelector(b.dataset.copy);
    if (!src) return;
    let text = "value" in src ? src.value : src.innerText;
    if (src.tagName === "DL") {
      text = Array.from(src.querySelectorAll("dt")).map(function (dt) {
        const dd = dt.nextElementSibling;
        return dt.innerText + " : " + (dd ? dd.innerText : "");
      }).join("\n");
    }
    const done = function () {
      const label = b.textContent;
      b.textContent = b.dataset.copied || label;
      window.setTimeout(function () { b.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(src); });
    } else { selectText(src); }
  });
  function selectText(el) {  // no clipboard (plain http): select it for Ctrl+C
    if (el.select) { el.select(); return; }
    const range = document.createRange(); range.selectNodeContents(el);
    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  }
  document.addEventListener("click", function (evt) {
    const t = evt.target.closest("[data-close], [data-reload]");
    if (!t) return;
    if (t.hasAttribute("data-reload")) { window.location.reload(); return; }
    const d = t.closest("dialog");
    if (d) { d.close(); d.remove(); }
  });

  // hx-confirm through a native <dialog> instead of window.confirm.
  function askConfirm(question, onYes) {
    const d = document.createElement("dialog");
    d.className = "dialog confirm";
    const p = document.createElement("p"); p.textContent = question; d.appendChild(p);
    const actions = document.createElement("div"); actions.className = "actions";
    const yes = document.createElement("button"); yes.type = "button"; yes.className = "button primary";
    yes.textContent = lang === "en" ? "Confirm" : "Confirmer";
    const no = document.createElement("button"); no.type = "button"; no.className = "button";
    no.textContent = lang === "en" ? "Cancel" : "Annuler";
    actions.append(yes, no); d.appendChild(actions); document.body.appendChild(d);
    yes.addEventListener("click", function () { d.close(); d.remove(); onYes(); });
    no.addEventListener("click", function () { d.close(); d.remove(); });
    d.addEventListener("cancel", function () { d.remove(); });
    d.showModal(); no.focus();
  }
  // data-confirm-unless="field=value": no question while the form still holds that value
  // (e.g. an evaluator confirming the decision already recorded).
  function confirmNeeded(form) {
    const rule = form && form.dataset.confirmUnless;
    if (!rule) return true;
    const [name, value] = rule.split("=");
    return new FormData(form).get(name) !== value;
  }
  document.addEventListener("htmx:confirm", function (evt) {
    const question = evt.detail.question;
    if (!question) return;
    evt.preventDefault();
    if (!confirmNeeded(evt.detail.elt.closest("form"))) { evt.detail.issueRequest(true); return; }
    askConfirm(question, function () { evt.detail.issueRequest(true); });
  });
  // A plain form (no hx-post) with hx-confirm: htmx does not see its submission, ask here.
  document.addEventListener("submit", function (evt) {
    const form = evt.target;
    const question = form.getAttribute("hx-confirm");
    if (!question || form.dataset.confirmed || htmxHandles(form)) return;
    if (!confirmNeeded(form)) return;
    evt.preventDefault();
    const submitter = evt.submitter;
    askConfirm(question, function () {
      form.dataset.confirmed = "1";
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
    });
  });
  function htmxHandles(form) {
    return ["hx-post", "hx-put", "hx-patch", "hx-delete", "hx-get"].some(function (a) {
      return form.hasAttribute(a);
    });
  }

  // Flash messages rendered server-side fade after a while.
  window.setTimeout(function () {
    document.querySelectorAll("[data-flashes] .toast-success").forEach(function (el) { el.remove(); });
  }, 6000);

  // Close open <details> menus on outside click and on Escape.
  document.addEventListener("click", function (evt) {
    document.querySelectorAll("details.menu[open]").forEach(function (m) {
      if (!m.contains(evt.target)) m.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (m) {
      m.removeAttribute("open"); m.querySelector("summary").focus();
    });
  });

  function renderPresence(payload) {
    const box = document.getElementById("presence");
    if (!box || payload.project !== projectId) return;
    box.textContent = "";
    payload.users.forEach(function (u) {
      const a = document.createElement("span");
      a.className = "avatar small";
      a.style.setProperty("--org-color", u.color);
      a.title = u.name + " (" + u.organisation + ")";
      a.dataset.userId = u.id;
      const initials = document.createElement("span");
      initials.setAttribute("aria-hidden", "true"); initials.textContent = u.initials;
      const name = document.createElement("span");
      name.className = "visually-hidden"; name.textContent = u.name;
      a.append(initials, name);
      box.appendChild(a);
    });
    // The broadcast names the first few people (by name) and counts the others.
    const others = (payload.count || payload.users.length) - payload.users.length;
    let names = payload.users.map(function (u) { return u.name; }).join(", ");
    if (others > 0) {
      const rest = lang === "en"
        ? others + (others > 1 ? " others" : " other")
        : others + (others > 1 ? " autres" : " autre");
      const more = document.createElement("span");
      more.className = "avatar small more";
      more.setAttribute("aria-hidden", "true");
      more.title = "+ " + rest;
      more.textContent = "+" + others;
      box.appendChild(more);
      names += (lang === "en" ? " and " : " et ") + rest;
    }
    box.setAttribute("aria-label", (lang === "en" ? "Online now: " : "Connectés : ") + names);
  }

  if (me && window.io) {
    const socket = window.io({ transports: ["websocket", "polling"] });
    Coop.socket = socket;
    socket.on("connect", function () {
      if (projectId) socket.emit("join", { project: projectId });
      document.dispatchEvent(new CustomEvent("coop:connect"));
    });
    socket.on("notice", dispatchNotice);
    socket.on("presence", renderPresence);
    socket.on("personal", function (payload) {
      document.dispatchEvent(new CustomEvent("coop:personal", { detail: payload }));
    });
  }
})();
