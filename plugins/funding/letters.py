"""The decision's notification letter, a PDF built by a background job (``funding.letter``):
WeasyPrint takes a second or more and must not hold the web worker (issue 20).

The letter is in French (the funder's official language), kept as a project document on the
start-up aid line — the coordination downloads it there — and linked from the application.
"""

from __future__ import annotations

import io
from datetime import date

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from workspace.extensions import db
from workspace.jobs import JobError, enqueue, handler
from workspace.web.pdf import pdf_from_html
from workspace.web.uploads import store_upload

from . import application_ops
from .applications import FundingApplication
from .calls import manages
from .models import FundingDocument


def ask_letter(application: FundingApplication, actor):
    """Queue the letter's job (in the caller's transaction)."""
    return enqueue("funding.letter", actor, application.project, application_id=application.id)


def letter_html(application: FundingApplication, today: date) -> str:
    with force_locale("fr"):
        return render_template("funding/letter.html", application=application, today=today)


@handler("funding.letter", timeout=120)
def build_letter(job, progress) -> dict:
    application = db.session.get(FundingApplication, job.params.get("application_id") or 0)
    if application is None or not manages(current_user, application.call):
        raise JobError(_("Vous ne pouvez plus établir la lettre de cette candidature."))
    if application.pending:
        raise JobError(_("La décision n'est pas encore prise."))
    data = pdf_from_html(letter_html(application, date.today()))
    progress(80)
    name = f"lettre-notification-{application.id}.pdf"
    stored = store_upload(
        application.project,
        FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf"),
        current_user,
    )
    application.letter_file_id = stored.id
    if application.line is not None:
        db.session.add(
            FundingDocument(line=application.line, file_id=stored.id, added_by_id=current_user.id)
        )
    application_ops._publish(
        "letter", application, current_user, _l("a joint la lettre de notification de la décision")
    )
    return {
        "message": _("La lettre de notification est prête."),
        "open": {
            "url": application_ops.application_url(application) + "#decision",
            "label": _("Voir la candidature"),
        },
    }


def _describe(job):
    return _l("la lettre de notification")


build_letter.describe = _describe
