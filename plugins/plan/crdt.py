"""The collaborative text of a section: a Yjs document merged and kept by pycrdt.

Editors send Yjs updates (binary, Yjs' v1 encoding) over Socket.IO; :func:`merge` checks
one and merges it into the section's document, :func:`store` then writes it as a
:class:`PlanUpdate` row in the caller's transaction (:func:`apply_update` does both). The
database is the authority: every process keeps a document per open section
(:data:`_documents`), catches up on the rows the others wrote (by id: applying an update
twice changes nothing, so the order and duplicates do not matter), and folds the rows into
:class:`PlanContent` every :data:`COMPACT_EVERY` updates. A late joiner receives
:func:`missing_for` its state vector, so edits made offline merge on reconnect.

A refused update (empty, too large, not a Yjs update, writing beside the text) raises
:class:`UpdateRefused` before anything is stored, and the process forgets its copy of the
document so that it is read again from the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from pycrdt import Doc, Text

from workspace.extensions import db
from workspace.models import utcnow

from . import render
from .models import PlanContent, PlanUpdate

ROOT = "content"  # the Y.Text the editor binds (ydoc.getText("content"))
MAX_UPDATE = 256 * 1024  # one update: a long paste fits, a flood does not
MAX_DOCUMENT = 4 * 1024 * 1024  # a section's state and pending updates together
COMPACT_EVERY = 200
KEEP_DOCUMENTS = 64  # per process


class UpdateRefused(ValueError):
    """Why an update was not applied: ``message`` for the editor, ``reason`` for the log."""

    def __init__(self, message, reason: str):
        super().__init__(reason)
        self.message, self.reason = message, reason


@dataclass
class _Document:
    doc: Doc
    state_mark: int  # PlanContent.last_update_id when the state was merged
    generation: str  # PlanContent.generation: the row this copy is of
    applied: set[int] = field(default_factory=set)
    size: int = 0


_documents: OrderedDict[int, _Document] = OrderedDict()
_lock = threading.Lock()


def forget(section_id: int | None = None) -> None:
    """Drop this process's copy of one document (or of all): read again on next use."""
    with _lock:
        if section_id is None:
            _documents.clear()
        else:
            _documents.pop(section_id, None)


def _content(section_id: int) -> PlanContent:
    content = db.session.get(PlanContent, section_id)
    if content is None:
        content = PlanContent(section_id=section_id, state=b"", last_update_id=0)
        db.session.add(content)
        db.session.flush()
    return content


def _document(section_id: int) -> _Document:
    """The section's document, with every stored update merged."""
    stored = db.session.execute(
        db.select(PlanContent.last_update_id, PlanContent.generation).filter_by(
            section_id=section_id
        )
    ).first()
    with _lock:
        entry = _documents.get(section_id)
    if stored is None or entry is None or entry.generation != stored.generation:
        content = _content(section_id)
        entry = _Document(Doc(), -1, content.generation)
    if entry.state_mark != (stored.last_update_id if stored else 0):
        content = _content(section_id)
        if content.state:
            entry.doc.apply_update(content.state)  # a merge: what the entry had stays
        entry.state_mark, entry.size = content.last_update_id, len(content.state or b"")
    # The ids alone first (usually all merged already), then the data of the missing ones.
    ids = db.session.scalars(db.select(PlanUpdate.id).filter_by(section_id=section_id))
    missing = sorted(set(ids) - entry.applied)
    rows = (
        db.session.execute(
            db.select(PlanUpdate.id, PlanUpdate.data)
            .where(PlanUpdate.id.in_(missing))
            .order_by(PlanUpdate.id)
        )
        if missing
        else []
    )
    for row_id, data in rows:
        entry.doc.apply_update(data)
        entry.applied.add(row_id)
        entry.size += len(data)
    with _lock:
        _documents[section_id] = entry
        _documents.move_to_end(section_id)
        while len(_documents) > KEEP_DOCUMENTS:
            _documents.popitem(last=False)
    return entry


def _known_document(section_id: int) -> _Document:
    """This process's copy of the section's document, read only when it has none.

    Enough to check and merge a live update: what other processes stored since is merged
    when the copy is next read whole (a join, a compaction, a save point), and the order in
    which Yjs updates are merged does not matter. Spares two queries per keystroke batch."""
    with _lock:
        entry = _documents.get(section_id)
    return entry if entry is not None else _document(section_id)


def _text(doc: Doc) -> Text:
    return doc.get(ROOT, type=Text)


def apply_update(section_id: int, user_id: int | None, data) -> PlanUpdate:
    """Check and merge one editor's update; store it in the current transaction."""
    return store(section_id, user_id, merge(section_id, data))


@dataclass
class Merged:
    """An update merged into this process's copy of a section's document, not yet stored."""

    data: bytes
    entry: _Document  # the copy it went into (another may have replaced it since)


def merge(section_id: int, data) -> Merged:
    """Check one editor's update and merge it into this process's document; nothing is
    stored yet (:func:`store` does): the update may be relayed to the others in between."""
    if not isinstance(data, bytes | bytearray) or len(data) < 2:
        raise UpdateRefused(_l("Modification illisible."), "not a binary update")
    if len(data) > MAX_UPDATE:
        raise UpdateRefused(_l("Modification trop volumineuse."), f"{len(data)} bytes")
    entry = _known_document(section_id)
    if entry.size + len(data) > MAX_DOCUMENT:
        raise UpdateRefused(_l("La section a atteint sa taille maximale."), "document full")
    try:
        entry.doc.apply_update(bytes(data))
        _text(entry.doc).diff()  # the root must still be a text
        if set(entry.doc.keys()) - {ROOT}:
            raise ValueError("a root other than the text")
    except Exception as exc:  # pycrdt raises ValueError, or a panic of the decoder
        forget(section_id)  # the copy may hold part of it: read again from the database
        raise UpdateRefused(_l("Modification illisible."), f"malformed: {exc}") from exc
    return Merged(bytes(data), entry)


def store(section_id: int, user_id: int | None, merged: Merged) -> PlanUpdate:
    """Store a merged update as a row of the current transaction (compacting now and then).

    Should the transaction fail, the caller calls :func:`forget`: the copy then holds an
    update the database does not, and is read again."""
    row = PlanUpdate(section_id=section_id, data=merged.data, user_id=user_id)
    db.session.add(row)
    db.session.flush()
    # The copy the update went into knows it; a copy read since takes the row once committed.
    entry = merged.entry
    entry.applied.add(row.id)
    entry.size += len(merged.data)
    with _lock:
        current = _documents.get(section_id) is entry
    if current and len(entry.applied) >= COMPACT_EVERY:
        compact(section_id, user_id)
    return row


def compact(section_id: int, user_id: int | None = None) -> PlanContent:
    """Fold the stored updates into the state and derive the text and HTML."""
    entry = _document(section_id)
    content = _content(section_id)
    folded = sorted(entry.applied)
    content.state = entry.doc.get_update()
    if folded:
        content.last_update_id = max(content.last_update_id, folded[-1])
        db.session.execute(db.delete(PlanUpdate).where(PlanUpdate.id.in_(folded)))
    derive(content, entry.doc, user_id)
    entry.applied.clear()
    entry.state_mark, entry.size = content.last_update_id, len(content.state)
    return content


def derive(content: PlanContent, doc: Doc, user_id: int | None) -> None:
    lines = render.blocks(_text(doc).diff())
    html, text = render.to_html(lines), render.to_text(lines)
    if (html, text) != (content.html, content.text):
        content.html, content.text = html, text
        content.edited_at, content.edited_by_id = utcnow(), user_id or content.edited_by_id


def save_point(section_id: int, user_id: int | None) -> PlanContent:
    """Derive the stored text and HTML from the current document (without compacting)."""
    entry = _document(section_id)
    content = _content(section_id)
    derive(content, entry.doc, user_id)
    return content


def missing_for(section_id: int, state_vector) -> tuple[bytes, bytes]:
    """``(update, server state vector)``: what a client with ``state_vector`` lacks."""
    entry = _document(section_id)
    if state_vector is not None and not isinstance(state_vector, bytes | bytearray):
        raise UpdateRefused(_l("État du document illisible."), "state vector not binary")
    try:
        update = entry.doc.get_update(bytes(state_vector) if state_vector else None)
    except Exception as exc:
        raise UpdateRefused(_l("État du document illisible."), f"state vector: {exc}") from exc
    return update, entry.doc.get_state()


def current_blocks(section_id: int) -> list[render.Block]:
    """The section's text as it is now, stored updates included."""
    return render.blocks(_text(_document(section_id).doc).diff())


def replace_text(section_id: int, lines: list[render.Block], user_id: int | None) -> bytes:
    """Replace the whole text (a restored version) as one update, stored and returned."""
    entry = _document(section_id)
    text = _text(entry.doc)
    with entry.doc.transaction():
        before = entry.doc.get_state()
        del text[:]
        for line in lines:
            for chunk, formats in line.runs:
                # Every format named, unset ones as None: Yjs would extend the left one.
                text.insert(len(text), chunk, render.NO_FORMATS | formats)
            text.insert(len(text), "\n", render.NO_FORMATS | render.block_formats(line.kind))
    update = entry.doc.get_update(before)
    row = PlanUpdate(section_id=section_id, data=update, user_id=user_id)
    db.session.add(row)
    db.session.flush()
    entry.applied.add(row.id)
    entry.size += len(update)
    return update
