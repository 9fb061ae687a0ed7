/* The plan's co-editor: a Quill editor bound to a Yjs document, synchronised over the
 * existing Socket.IO connection (window.Coop.socket) with the server's pycrdt copy.
 *
 * On every (re)connection the client sends its state vector; the server answers with what the
 * client lacks and its own state vector, and the client sends back what the server lacks: edits
 * typed while offline merge on reconnect. Local changes are sent in small batches while
 * connected. Remote carets use Yjs relative positions, so they stay on the right character
 * while others type. */
(function () {
  "use strict";
  const host = document.getElementById("plan-editor");
  const Coop = window.Coop || {};
  if (!host || !window.CoopEditor || !Coop.socket) return;
  const { Y, Quill, QuillBinding } = window.CoopEditor;
  const labels = JSON.parse(host.dataset.labels || "{}");
  const project = Number(host.dataset.project);
  const section = Number(host.dataset.section);
  let mayWrite = host.dataset.mayWrite === "true";
  const socket = Coop.socket;
  const syncLine = document.getElementById("plan-sync");
  const editorsList = document.getElementById("plan-editors");

  const ydoc = new Y.Doc();
  const ytext = ydoc.getText("content");
  const area = document.createElement("div");
  area.className = "plan-editor-area";
  host.querySelector(".plan-fallback").replaceWith(area);
  const quill = new Quill(area, {
    theme: "snow",
    readOnly: true,
    placeholder: labels.placeholder,
    formats: ["bold", "italic", "underline", "strike", "link", "header", "list", "blockquote"],
    modules: {
      cursors: { transformOnTextChange: true },
      history: { userOnly: true },
      toolbar: mayWrite
        ? [[{ header: [2, 3, false] }], ["bold", "italic", "underline", "strike", "link"],
           [{ list: "ordered" }, { list: "bullet" }, "blockquote"], ["clean"]]
        : false,
    },
  });
  quill.root.setAttribute("aria-labelledby", "section-title");
  quill.root.setAttribute("aria-multiline", "true");
  quill.root.setAttribute("role", "textbox");
  new QuillBinding(ytext, quill);
  const cursors = quill.getModule("cursors");
  Coop.planDoc = ydoc; // for the browser tests
  Coop.planEditor = quill;

  function say(text) { if (syncLine) syncLine.textContent = text; }
  function base() { return { project: project, section: section }; }

  // -- sending local changes -----------------------------------------------------------------
  let pending = [];
  let timer = null;
  let synced = false;
  ydoc.on("update", function (update, origin) {
    if (origin === "server") return;
    pending.push(update);
    if (!timer) timer = window.setTimeout(flush, 40);
  });

  function flush() {
    timer = null;
    if (!pending.length || !synced || !socket.connected) {
      if (!socket.connected) say(labels.offline);
      return; // sent by the next sync: the server's state vector says what it lacks
    }
    const update = Y.mergeUpdates(pending);
    pending = [];
    say(labels.saving);
    socket.emit("plan:update", Object.assign(base(), { update: update }), function (ack) {
      if (ack && ack.ok) { if (!pending.length) say(labels.saved); return; }
      if (ack && ack.retry) { // not stored this time: sync again (the server says what it lacks)
        say(ack.error);
        synced = false;
        window.setTimeout(join, 2000);
        return;
      }
      refuse(ack && ack.error);
    });
  }

  function refuse(message) {
    mayWrite = false;
    quill.disable();
    say((labels.refused || "") + (message ? " : " + message : ""));
    if (Coop.toast) Coop.toast(message || labels.refused, "error");
  }

  // -- synchronisation on every (re)connection ------------------------------------------------
  function join() {
    synced = false;
    const sv = Y.encodeStateVector(ydoc);
    socket.emit("plan:join", Object.assign(base(), { sv: sv }), function (ack) {
      if (!ack || !ack.ok) { refuse(ack && ack.error); return; }
      Y.applyUpdate(ydoc, new Uint8Array(ack.update), "server");
      synced = true;
      mayWrite = mayWrite && ack.editable;
      if (mayWrite) {
        quill.enable();
        // What the server lacks, offline edits included: it replaces what was queued.
        const missing = Y.encodeStateAsUpdate(ydoc, new Uint8Array(ack.sv));
        pending = missing.length > 2 ? [missing] : [];
        pending.length ? flush() : say(labels.saved);
      } else {
        say(labels.readonly);
      }
      sendCursor();
    });
  }
  // An update that builds on one this client never received (relayed by another process
  // before this client joined, say) waits in Yjs' pending store; ask the server for what is
  // missing, once the burst is over, rather than showing a text with a hole.
  let gapTimer = null;
  socket.on("plan:update", function (msg) {
    if (msg.section !== section) return;
    Y.applyUpdate(ydoc, new Uint8Array(msg.update), "server");
    redrawCursors();
    if (ydoc.store.pendingStructs && !gapTimer) {
      gapTimer = window.setTimeout(function () {
        gapTimer = null;
        if (ydoc.store.pendingStructs && synced) join();
      }, 300);
    }
  });
  socket.on("disconnect", function () { synced = false; say(labels.offline); });
  document.addEventListener("coop:connect", join);
  if (socket.connected) join();
  window.addEventListener("pagehide", function () { socket.emit("plan:leave", base()); });

  // -- others' carets -------------------------------------------------------------------------
  const others = new Map(); // client sid → {name, organisation, color, cursor, seen}

  function toIndex(json) {
    try { // a position from another client: anything unreadable is no caret, not an error
      const rel = Y.createRelativePositionFromJSON(json);
      const abs = Y.createAbsolutePositionFromRelativePosition(rel, ydoc);
      return abs && abs.type === ytext ? abs.index : null;
    } catch (e) {
      return null;
    }
  }

  function redrawCursors() {
    others.forEach(function (o, client) {
      if (!o.cursor) { cursors.removeCursor(client); return; }
      const anchor = toIndex(o.cursor.anchor);
      const head = toIndex(o.cursor.head);
      if (anchor === null || head === null) return;
      cursors.createCursor(client, o.name + " (" + o.organisation + ")", o.color);
      cursors.moveCursor(client, { index: Math.min(anchor, head), length: Math.abs(head - anchor) });
    });
    renderEditors();
  }

  function renderEditors() {
    if (!editorsList) return;
    editorsList.replaceChildren();
    others.forEach(function (o) {
      const li = document.createElement("li");
      li.style.setProperty("--org-color", o.color);
      li.textContent = o.name + " (" + o.organisation + ")";
      editorsList.appendChild(li);
    });
    editorsList.hidden = others.size === 0;
  }

  socket.on("plan:awareness", function (msg) {
    if (msg.section !== section) return;
    if (msg.left) { others.delete(msg.client); cursors.removeCursor(msg.client); renderEditors(); return; }
    others.set(msg.client, Object.assign(others.get(msg.client) || {}, msg, { seen: Date.now() }));
    redrawCursors();
  });

  // -- « Commenter ce passage »: the discussion beside the editor, opened on a quote --------
  const quoteButton = document.getElementById("plan-quote");
  let quotedRange = null; // the last selection: clicking the button takes the focus away
  function offerQuote(range) {
    if (!quoteButton) return;
    quoteButton.hidden = !(range && range.length > 0);
  }
  if (quoteButton) {
    quoteButton.addEventListener("click", function () {
      const range = quill.getSelection() || quotedRange;
      const box = document.querySelector("form[data-comment-form] textarea");
      if (!range || !range.length || !box) return;
      const passage = quill.getText(range.index, range.length).trim().replace(/\s+/g, " ");
      box.value = "> « " + passage.slice(0, 400) + (passage.length > 400 ? "…" : "") + " »\n\n" + box.value;
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    });
  }

  // -- Passages the discussion quotes: highlighted in the text (CSS Custom Highlights, the
  // document itself is untouched); a quote in a comment selects its passage when activated,
  // or says that the passage is no longer in the text. Found again after every change. ------
  const side = document.querySelector(".plan-side");
  const canHighlight = !!(window.CSS && CSS.highlights && window.Highlight);
  function passageOf(quote) {
    const words = quote.textContent.replace(/[«»…]/g, " ").trim().split(/\s+/).filter(Boolean);
    if (!words.length) return null;
    const pattern = new RegExp(words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("\\s+"));
    const found = pattern.exec(quill.getText());
    return found ? { index: found.index, length: found[0].length } : null;
  }
  function domRange(range) {
    const ends = quill.selection && quill.selection.rangeToNative
      ? quill.selection.rangeToNative(range) : null;
    if (!ends || !ends[0] || !ends[2]) return null;
    const dom = document.createRange();
    dom.setStart(ends[0], ends[1]);
    dom.setEnd(ends[2], ends[3]);
    return dom;
  }
  function markQuotes() {
    if (!side) return;
    const ranges = [];
    side.querySelectorAll(".comment-body > blockquote").forEach(function (quote) {
      const range = passageOf(quote);
      quote.classList.add("plan-quote-link");
      quote.classList.toggle("is-gone", !range);
      quote.tabIndex = 0;
      quote.setAttribute("role", "button");
      quote.title = range ? labels.showPassage : labels.passageGone;
      const dom = range && domRange(range);
      if (dom) ranges.push(dom);
    });
    if (canHighlight) CSS.highlights.set("plan-quoted", new Highlight(...ranges));
  }
  function showPassage(quote) {
    const range = passageOf(quote);
    if (!range) { markQuotes(); return; }
    quill.setSelection(range.index, range.length, "user");
    const dom = domRange(range);
    if (dom) {
      if (canHighlight) CSS.highlights.set("plan-quoted-current", new Highlight(dom));
      const at = dom.startContainer.parentElement;
      if (at) at.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }
  if (side) {
    side.addEventListener("click", function (event) {
      const quote = event.target.closest(".comment-body > blockquote");
      if (quote) showPassage(quote);
    });
    side.addEventListener("keydown", function (event) {
      const quote = event.target.closest(".comment-body > blockquote");
      if (quote && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        showPassage(quote);
      }
    });
    let quoteTimer = null;
    const later = function () {
      if (!quoteTimer) quoteTimer = window.setTimeout(function () { quoteTimer = null; markQuotes(); }, 150);
    };
    quill.on("text-change", later);
    new MutationObserver(later).observe(side, { childList: true, subtree: true });
    later();
  }

  let lastRange = null;
  let cursorTimer = null;
  function sendCursor() {
    if (!synced) return;
    const range = lastRange;
    const cursor = range ? {
      anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, range.index)),
      head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, range.index + range.length)),
    } : null;
    socket.emit("plan:awareness", Object.assign(base(), { cursor: cursor }));
  }
  quill.on("selection-change", function (range) {
    if (range) { offerQuote(range); quotedRange = range; }
    lastRange = range;
    if (!cursorTimer) cursorTimer = window.setTimeout(function () { cursorTimer = null; sendCursor(); }, 80);
  });
  // A heartbeat keeps one's caret visible to others; a silent client's caret fades out.
  window.setInterval(function () {
    if (socket.connected) sendCursor();
    const stale = Date.now() - 45000;
    others.forEach(function (o, client) {
      if (o.seen < stale) { others.delete(client); cursors.removeCursor(client); }
    });
    renderEditors();
  }, 15000);
})();
