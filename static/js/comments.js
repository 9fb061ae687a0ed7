/* Comments: live threads, catch-up after reconnection, offline-safe posting, typing indicator,
 * @mention autocompletion; and the notification bell. No inline script (CSP).
 *
 * Every comment <article> carries data-comment-id; the DOM is deduplicated by id, so a comment
 * received twice (own POST response, realtime notice, /since catch-up) is shown once. */
(function () {
  "use strict";
  const body = document.body;
  const lang = body.dataset.lang || "fr";
  const me = body.dataset.user ? Number(body.dataset.user) : null;
  const projectId = body.dataset.project ? Number(body.dataset.project) : null;
  const Coop = (window.Coop = window.Coop || {});

  function csrf() {
    try { return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.from(a, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  /* ---- Notification bell -------------------------------------------------------------- */
  document.addEventListener("coop:personal", function (evt) {
    const p = evt.detail || {};
    if (p.type === "notification" || p.type === "notifications:read") {
      if (window.htmx) window.htmx.trigger(body, "coop-bell");
    }
    if (p.type === "notification" && Coop.toast) Coop.toast(p.text, "success");
  });

  /* ---- Threads ------------------------------------------------------------------------- */
  const lastTyping = new WeakMap();
  const sections = function () { return Array.from(document.querySelectorAll("[data-comments]")); };

  function sectionFor(type, id) {
    return sections().find(function (s) { return s.dataset.type === type && Number(s.dataset.id) === Number(id); });
  }

  function lastId(section) {
    let max = Number(section.dataset.lastId || 0);
    section.querySelectorAll("[data-comment-id]").forEach(function (a) {
      max = Math.max(max, Number(a.dataset.commentId));
    });
    return max;
  }

  function parse(html) {
    const t = document.createElement("template");
    t.innerHTML = (html || "").trim();
    return t.content.firstElementChild;
  }

  function insertSorted(list, li, id) {
    const after = Array.from(list.children).find(function (c) {
      const a = c.querySelector("[data-comment-id]");
      return a && Number(a.dataset.commentId) > id;
    });
    list.insertBefore(li, after || null);
  }

  /* Shown comments, plus those of older conversations not loaded yet (the « Afficher les …
   * précédentes » item says how many). */
  function refreshCount(section) {
    const older = section.querySelector(".older-comments[data-unloaded]");
    const n = section.querySelectorAll("article.comment:not(.is-deleted)").length +
      (older ? Number(older.dataset.unloaded) : 0);
    const badge = section.querySelector("[data-comment-count]");
    if (badge) badge.textContent = n;
    const empty = section.querySelector(".comments-empty");
    if (empty) empty.hidden = section.querySelectorAll("article.comment").length > 0;
  }

  /* Insert a new comment, or replace it when it is already shown (edit, delete). */
  function upsert(section, item) {
    const art = parse(item.html);
    if (!art) return;
    const id = Number(item.id);
    const existing = section.querySelector("#comment-" + id);
    if (existing) {
      if (existing.querySelector("form.comment-edit") && !art.classList.contains("is-deleted")) return;
      existing.replaceWith(art);
    } else if (item.parent) {
      const parentLi = section.querySelector('[data-thread="' + Number(item.parent) + '"]');
      const older = section.querySelector(".older-comments[data-unloaded]");
      if (!parentLi && older && Number(item.parent) < oldestShown(section)) {
        // A reply in an older conversation not loaded: it comes with it when asked for.
        if (!art.classList.contains("is-deleted")) older.dataset.unloaded = Number(older.dataset.unloaded) + 1;
        section.dataset.lastId = Math.max(Number(section.dataset.lastId || 0), id);
        refreshCount(section);
        return;
      }
      if (!parentLi) { catchUp(section); return; }
      const li = document.createElement("li"); li.appendChild(art);
      insertSorted(parentLi.querySelector(".replies"), li, id);
    } else {
      // An edit of a conversation not loaded (older than those shown): nothing to show.
      if (section.querySelector(".older-comments") && id < oldestShown(section)) return;
      const li = document.createElement("li");
      li.className = "thread-item"; li.dataset.thread = id;
      const replies = document.createElement("ol"); replies.className = "replies";
      li.append(art, replies);
      insertSorted(section.querySelector(".comment-list"), li, id);
    }
    section.dataset.lastId = Math.max(Number(section.dataset.lastId || 0), id);
    refreshCount(section);
  }

  function oldestShown(section) {
    const first = section.querySelector(".thread-item[data-thread]");
    return first ? Number(first.dataset.thread) : Infinity;
  }

  function catchUp(section) {
    const url = section.dataset.sinceUrl + "?" + new URLSearchParams({
      after: lastId(section), type: section.dataset.type, id: section.dataset.id,
    });
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) {
        data.items.forEach(function (item) {
          if (!section.querySelector("#comment-" + item.id)) upsert(section, item);
        });
        markRead(section);
      })
      .catch(function () { /* offline: the next coop:connect retries */ });
  }

  const readTimers = new WeakMap();
  function markRead(section) {
    if (document.visibilityState !== "visible") return;
    window.clearTimeout(readTimers.get(section));
    readTimers.set(section, window.setTimeout(function () {
      const data = new URLSearchParams({ type: section.dataset.type, id: section.dataset.id, last: lastId(section) });
      fetch(section.dataset.readUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
      }).then(refreshThreads).catch(function () {});
    }, 400));
  }

  let threadsTimer = null;
  function refreshThreads() {
    const box = document.querySelector("[data-comment-threads]");
    if (!box || !window.htmx) return;
    window.clearTimeout(threadsTimer);
    threadsTimer = window.setTimeout(function () { window.htmx.trigger(box, "comments-refresh"); }, 150);
  }

  document.addEventListener("coop:notice", function (evt) {
    const n = evt.detail || {};
    if (!n.type || n.type.indexOf("comment:") !== 0) return;
    const section = sectionFor(n.object_type, n.object_id);
    if (!section) { refreshThreads(); return; }
    const typing = section.querySelector(".typing");
    if (typing && n.type === "comment:created") typing.textContent = "";
    const html = lang === "en" && n.html_en ? n.html_en : n.html;
    if (html) upsert(section, { id: n.id, parent: n.parent, html: html });
    else catchUp(section);  // no HTML in the notice: fetch under my own permissions
    markRead(section);
  });

  document.addEventListener("coop:connect", function () {
    sections().forEach(catchUp);
    document.querySelectorAll("form[data-comment-form][data-pending]").forEach(send);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sections().forEach(markRead);
  });

  /* Controls for who may post: reply everywhere, edit/delete on one's own comments. */
  function decorate(section) {
    const tpl = section.querySelector("template.comment-actions-tpl");
    if (!tpl) return;
    section.querySelectorAll("article.comment:not(.is-deleted)").forEach(function (art) {
      if (art.querySelector(".comment-actions") || art.querySelector("form.comment-edit")) return;
      const actions = tpl.content.firstElementChild.cloneNode(true);
      const id = art.dataset.commentId;
      actions.querySelectorAll("[data-own]").forEach(function (b) {
        if (Number(art.dataset.author) !== me) b.remove();
      });
      const edit = actions.querySelector('[data-action="edit"]');
      if (edit) {
        edit.setAttribute("hx-get", section.dataset.editUrl.replace("/0/", "/" + id + "/"));
        edit.setAttribute("hx-target", "#comment-" + id); edit.setAttribute("hx-swap", "outerHTML");
      }
      const del = actions.querySelector('[data-action="delete"]');
      if (del) {
        del.setAttribute("hx-post", section.dataset.deleteUrl.replace("/0/", "/" + id + "/"));
        del.setAttribute("hx-confirm", del.dataset.confirm);
        del.setAttribute("hx-target", "#comment-" + id); del.setAttribute("hx-swap", "outerHTML");
      }
      art.appendChild(actions);
      if (window.htmx) window.htmx.process(actions);
    });
  }

  function status(form, text, kind) {
    const s = form.querySelector(".form-status");
    if (!s) return;
    s.textContent = text || "";
    s.dataset.kind = kind || "";
  }

  /* Attachments checked before sending (the server checks again): count and total size. */
  const MAX_TOTAL = 10 * 1024 * 1024;
  function filesProblem(form, input) {
    if (!input || !input.files.length) return "";
    if (input.files.length > Number(form.dataset.maxFiles || 5)) return form.dataset.tooMany;
    const total = Array.from(input.files).reduce(function (n, f) { return n + f.size; }, 0);
    return total > MAX_TOTAL ? form.dataset.tooBig : "";
  }

  function invalid(field, yes) {
    if (!field) return;
    if (yes) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid");
  }

  /* Posting: multipart fetch (text and files); on a network failure keep both, say so, retry
   * with the same key (the server stores the message and its files once). */
  function send(form) {
    const section = form.closest("[data-comments]");
    const textarea = form.querySelector("textarea[name=body]");
    const fileInput = form.querySelector("input[type=file][name=files]");
    if (!textarea.value.trim()) { textarea.focus(); return; }
    const problem = filesProblem(form, fileInput);
    invalid(fileInput, !!problem);
    if (problem) { status(form, problem, "error"); fileInput.focus(); return; }
    window.clearTimeout(Number(form.dataset.retryTimer || 0));
    status(form, form.dataset.sending);
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (r) {
      if (r.status >= 500 || r.status === 0) throw new Error("server");
      // A refusal without our JSON (a proxy's 413 page) is an answer, not a network failure.
      return r.json().catch(function () { return {}; })
        .then(function (data) { return { status: r.status, data: data }; });
    }).then(function (res) {
      delete form.dataset.pending; form.dataset.attempt = "0";
      if (res.status === 200 || res.status === 201) {
        upsert(section, res.data);
        textarea.value = ""; invalid(textarea, false);
        if (fileInput) { fileInput.value = ""; invalid(fileInput, false); }
        form.querySelector("input[name=key]").value = newKey();
        cancelReply(form); status(form, "");
        lastTyping.delete(form);
        const el = section.querySelector("#comment-" + res.data.id);
        if (el) el.scrollIntoView({ block: "nearest" });
        markRead(section);
      } else {
        const error = (res.data && res.data.error) || {};
        const onFiles = res.status === 413 || !!(error.fields && error.fields.files);
        invalid(textarea, !onFiles); invalid(fileInput, onFiles);
        status(form, error.message || form.dataset.failed, "error");
      }
    }).catch(function () {
      form.dataset.pending = "1";
      const attempt = Number(form.dataset.attempt || 0) + 1;
      form.dataset.attempt = attempt;
      status(form, form.dataset.offline, "offline");
      form.dataset.retryTimer = window.setTimeout(function () { send(form); },
        Math.min(30000, 1000 * Math.pow(2, attempt)));
    });
  }

  function cancelReply(form) {
    form.querySelector("input[name=parent]").value = "";
    const r = form.querySelector(".reply-to"); r.hidden = true;
  }

  document.addEventListener("submit", function (evt) {
    const form = evt.target.closest("form[data-comment-form]");
    if (!form) return;
    evt.preventDefault();
    send(form);
  });

  document.addEventListener("click", function (evt) {
    const reply = evt.target.closest('[data-action="reply"]');
    if (reply) {
      const art = reply.closest("article.comment");
      const section = reply.closest("[data-comments]");
      const form = section.querySelector("form[data-comment-form]");
      form.querySelector("input[name=parent]").value = art.dataset.parent || art.dataset.commentId;
      const r = form.querySelector(".reply-to");
      const who = art.querySelector(".comment-author");
      r.querySelector("span").textContent = (lang === "en" ? "Reply to " : "Réponse à ") + (who ? who.textContent : "");
      r.hidden = false;
      form.querySelector("textarea").focus();
      return;
    }
    const cancel = evt.target.closest("[data-cancel-reply]");
    if (cancel) cancelReply(cancel.closest("form"));
  });

  /* Typing indicator: at most one event every 3 s; shown 5 s on the others' screens. */
  document.addEventListener("input", function (evt) {
    const form = evt.target.closest && evt.target.closest("form[data-comment-form]");
    if (!form || !Coop.socket || !projectId) return;
    const now = Date.now();
    if (now - (lastTyping.get(form) || 0) < 3000) return;
    lastTyping.set(form, now);
    const section = form.closest("[data-comments]");
    Coop.socket.emit("typing", { project: projectId, type: section.dataset.type, id: Number(section.dataset.id) });
  });

  function onTyping(p) {
    const section = sectionFor(p.type, p.id);
    if (!section || p.user === me) return;
    const line = section.querySelector(".typing");
    const form = section.querySelector("form[data-comment-form]");
    const pattern = (form && form.dataset.typing) || (lang === "en" ? "{name} is typing…" : "{name} est en train d'écrire…");
    line.textContent = pattern.replace("{name}", p.name);
    window.clearTimeout(Number(line.dataset.timer || 0));
    line.dataset.timer = window.setTimeout(function () { line.textContent = ""; }, 5000);
  }

  /* ---- @mention autocompletion (combobox + listbox) ------------------------------------ */
  function mentionQuery(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const m = before.match(/(^|[\s(])@([\p{L}'-]{0,30})$/u);
    return m ? { q: m[2], start: before.length - m[2].length - 1 } : null;
  }

  function closeList(textarea) {
    const list = document.getElementById(textarea.getAttribute("aria-controls"));
    if (list) { list.hidden = true; list.textContent = ""; }
    textarea.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  }

  function choose(textarea, option) {
    const found = mentionQuery(textarea);
    if (!found) return closeList(textarea);
    const insert = "@" + option.dataset.name + " ";
    const v = textarea.value;
    textarea.value = v.slice(0, found.start) + insert + v.slice(textarea.selectionStart);
    const caret = found.start + insert.length;
    textarea.setSelectionRange(caret, caret);
    closeList(textarea);
    textarea.focus();
  }

  let mentionTimer = null;
  document.addEventListener("input", function (evt) {
    const textarea = evt.target;
    if (!textarea.matches || !textarea.matches("form[data-comment-form] textarea")) return;
    const section = textarea.closest("[data-comments]");
    const found = mentionQuery(textarea);
    if (!found || !section.dataset.membersUrl) return closeList(textarea);
    window.clearTimeout(mentionTimer);
    mentionTimer = window.setTimeout(function () {
      fetch(section.dataset.membersUrl + "?q=" + encodeURIComponent(found.q), {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      }).then(function (r) { return r.ok ? r.json() : []; }).then(function (people) {
        const list = document.getElementById(textarea.getAttribute("aria-controls"));
        list.textContent = "";
        people.forEach(function (p, i) {
          const li = document.createElement("li");
          li.id = list.id + "-opt-" + p.id; li.setAttribute("role", "option");
          li.dataset.name = p.name; li.setAttribute("aria-selected", i === 0 ? "true" : "false");
          const name = document.createElement("strong"); name.textContent = p.name;
          const org = document.createElement("span"); org.className = "muted"; org.textContent = " " + p.organisation;
          li.append(name, org);
          list.appendChild(li);
        });
        list.hidden = people.length === 0;
        textarea.setAttribute("aria-expanded", people.length ? "true" : "false");
        if (people.length) textarea.setAttribute("aria-activedescendant", list.firstElementChild.id);
      }).catch(function () {});
    }, 120);
  });

  document.addEventListener("keydown", function (evt) {
    const textarea = evt.target;
    if (!textarea.matches || !textarea.matches("form[data-comment-form] textarea")) return;
    if (textarea.getAttribute("aria-expanded") !== "true") return;
    const list = document.getElementById(textarea.getAttribute("aria-controls"));
    const options = Array.from(list.children);
    let i = options.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      evt.preventDefault();
      i = (i + (evt.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      textarea.setAttribute("aria-activedescendant", options[i].id);
    } else if ((evt.key === "Enter" || evt.key === "Tab") && i >= 0) {
      evt.preventDefault(); choose(textarea, options[i]);
    } else if (evt.key === "Escape") {
      evt.preventDefault(); evt.stopPropagation(); closeList(textarea);
    }
  });

  document.addEventListener("mousedown", function (evt) {
    const option = evt.target.closest && evt.target.closest(".mention-list [role=option]");
    if (!option) return;
    evt.preventDefault();
    const textarea = document.querySelector('[aria-controls="' + option.parentElement.id + '"]');
    choose(textarea, option);
  });

  /* ---- Start ----------------------------------------------------------------------------- */
  function init() {
    sections().forEach(function (s) { decorate(s); s.dataset.seen = "1"; markRead(s); });
    // Threads that arrive later (a discussion opened in place, older conversations): their
    // controls, and what they show is read.
    const observer = new MutationObserver(function () {
      sections().forEach(function (s) {
        decorate(s);
        if (!s.dataset.seen) { s.dataset.seen = "1"; markRead(s); }
      });
    });
    observer.observe(document.getElementById("main") || body, { childList: true, subtree: true });
    if (Coop.socket) Coop.socket.on("typing", onTyping);
  }
  init();
})();
