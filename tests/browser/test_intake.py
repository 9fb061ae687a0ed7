"""The intake journey in a real browser (issue 17): a visitor writes to the Pôle, the adviser
finds the request in the inbox and turns it into a project, the requester opens the
invitation link the worker mailed."""

from __future__ import annotations

import re

from tests.browser.conftest import screenshot
from tests.factories import project_with_roles
from tests.mail import read_outbox


def test_a_request_becomes_a_project_whose_requester_is_invited(chromium, live_server, page_for):
    _project, people = project_with_roles()
    visitor = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        page = visitor.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + "/login")
        page.get_by_role("link", name="Écrire au Pôle").click()
        page.get_by_label("J'ai un projet de coopération").check()
        page.get_by_label("Votre organisation").fill("SAAD Les Oliviers")
        page.get_by_label("Type d'organisation").select_option("saad")
        page.get_by_label("Commune").fill("Orange")
        page.get_by_label("Votre nom").fill("Marie Dupont")
        page.get_by_label("Adresse e-mail").fill("marie.dupont@example.org")
        page.get_by_label("Votre besoin").fill("Mutualiser la paie avec deux SAAD voisins.")
        page.get_by_label("J'accepte que le Pôle conserve").check()
        page.get_by_role("button", name="Envoyer ma demande").click()
        page.get_by_text("Merci, votre demande est bien reçue").wait_for()
        screenshot(page, "intake-thanks-phone")

        adviser = page_for(people["adviser"])
        adviser.goto(live_server + "/pole/demandes")
        adviser.get_by_role("link", name="SAAD Les Oliviers").click()
        adviser.get_by_text("Mutualiser la paie avec deux SAAD voisins.").wait_for()
        adviser.get_by_label("Nom du projet").fill("Paie partagée Orange")
        adviser.get_by_role("button", name="Créer le projet et inviter le demandeur").click()
        adviser.get_by_role("heading", name="Paie partagée Orange").wait_for()
        adviser.get_by_text("marie.dupont@example.org est invité à le coordonner").wait_for()
        adviser.get_by_text("1 invitation en attente").wait_for()
        screenshot(adviser, "intake-project-created")

        [invitation] = [m for m in read_outbox() if "Paie partagée Orange" in m["subject"]]
        link = re.search(r"https?://\S+/invitations/\S+", invitation["body"]).group(0)
        page.goto(live_server + "/invitations/" + link.rsplit("/", 1)[1])  # the mail's link
        page.get_by_text("Paie partagée Orange").first.wait_for()
    finally:
        visitor.close()
