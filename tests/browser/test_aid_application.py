"""The aid's journey in a real browser (issue 17), after the intake one (test_intake.py): a
project's coordinator applies to the funder's open call from the funding file, the rules
checked first; the funder's agent scores, compares and grants; the letter is built by the
worker; the coordinator finds the decision and the letter in the funding file."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import current_app

from plugins.funding import operations as ops
from plugins.funding.calls import FundingCall
from plugins.milestones import operations as ms_ops
from tests.browser.conftest import screenshot
from tests.factories import project_with_roles
from workspace.extensions import db


def _ready_project():
    """A project whose start-up aid line waits for its quote, the agreement recorded, and
    the open call of its funder's organisation."""
    project, people = project_with_roles(name="GCSMS des Baronnies")
    funder_org = people["funder"].organisation
    with current_app.test_request_context():
        ops.create_line(
            project,
            people["coordinator"],
            funder_id=funder_org.id,
            kind="startup_aid",
            status="planned",
            purpose_category="legal_support",
            purpose="Avocat pour la convention constitutive.",
            amount_requested=Decimal("12000.00"),
        )
        agreement = ms_ops.create_milestone(
            project, people["director"], title="Accord des parties", is_agreement=True
        )
        ms_ops.submit(agreement, people["director"], "Délibérations jointes.")
        ms_ops.validate(agreement, people["adviser"])
    db.session.add(
        FundingCall(
            funder_id=funder_org.id,
            created_by_id=people["funder"].id,
            title="Aide au démarrage 2027",
            envelope=Decimal("60000.00"),
            opens_on=date.today() - timedelta(days=2),
            closes_on=date.today() + timedelta(days=40),
        )
    )
    db.session.commit()
    return project, people


def test_a_coordinator_applies_and_the_funder_grants(page_for, live_server, job_worker, tmp_path):
    project, people = _ready_project()
    coordinator = page_for(people["coordinator"])
    coordinator.goto(f"{live_server}/projects/{project.id}/funding/")
    coordinator.get_by_role("link", name="Candidater").click()
    # A rule not met: no quote yet. The button waits; the page says why.
    coordinator.get_by_text("Au moins un devis est joint").wait_for()
    assert coordinator.get_by_role("button", name="Déposer la candidature").count() == 0
    coordinator.get_by_role("link", name="Compléter le dossier de financement").click()
    coordinator.get_by_role("link", name="Aide au démarrage", exact=True).click()
    quote = tmp_path / "devis-avocat.pdf"
    quote.write_bytes(b"%PDF-1.4\n% devis\n")
    coordinator.locator("input[type=file]").first.set_input_files(str(quote))
    coordinator.get_by_role("button", name="Joindre", exact=True).click()
    coordinator.get_by_role("link", name="devis-avocat.pdf").wait_for()
    coordinator.goto(f"{live_server}/projects/{project.id}/funding/")
    coordinator.get_by_role("link", name="Candidater").click()
    coordinator.get_by_role("button", name="Déposer la candidature").click()
    coordinator.get_by_text("Candidature déposée").first.wait_for()
    screenshot(coordinator, "aid-application-submitted")

    funder = page_for(people["funder"])
    funder.goto(f"{live_server}/appels")
    funder.get_by_role("link", name="Aide au démarrage 2027").click()
    funder.get_by_role("link", name="GCSMS des Baronnies").click()
    funder.get_by_label("Note (1 à 5)").first.select_option("4")
    funder.get_by_label("Commentaire").first.fill("Trois structures, deux territoires.")
    funder.get_by_role("button", name="Enregistrer ma notation").click()
    funder.get_by_text("Notation enregistrée").first.wait_for()
    funder.get_by_role("link", name="Comparer les candidatures").click()
    funder.get_by_text("Trois structures, deux territoires.").wait_for()
    funder.go_back()
    funder.get_by_label("Accordée").check()
    funder.get_by_label("Montant accordé (€)").fill("10 000,00")
    funder.get_by_role("button", name="Enregistrer la décision").click()
    funder.get_by_text("Décision enregistrée").first.wait_for()
    # The worker builds the letter; the page offers it once there.
    for _attempt in range(40):
        funder.reload()
        if funder.get_by_role("link", name="Lettre de notification (PDF)").count():
            break
        funder.wait_for_timeout(250)
    funder.get_by_role("link", name="Lettre de notification (PDF)").wait_for()
    screenshot(funder, "aid-application-granted")

    coordinator.goto(f"{live_server}/projects/{project.id}/funding/")
    coordinator.get_by_text("Accordée").first.wait_for()
    coordinator.get_by_role("link", name="Aide au démarrage", exact=True).click()
    coordinator.get_by_text("lettre-notification").first.wait_for()
