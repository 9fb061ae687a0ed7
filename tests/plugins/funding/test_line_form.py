"""The funding line form's choices: no funder preselected, funders first, the start-up aid
given by a funder only and not offered twice."""

from __future__ import annotations

import re

from plugins.funding.models import FundingLine
from tests.factories import create_org
from workspace.extensions import db
from workspace.models import count

from .conftest import aid_form, funder_org, make_line


def _select(html: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)


def test_no_funder_is_preselected_and_funders_come_first(roles_project, login_as):
    project, people = roles_project
    cd = funder_org()
    consultancy = create_org("Cabinet Alpha", kind="consultancy")
    html = login_as(people["director"]).get(f"/projects/{project.id}/funding/lines/new").text
    select = _select(html, "funder_id")
    first, *rest = select.split("<option")[1:]
    assert 'selected value=""' in first and "Choisissez l'organisation" in first
    assert not any("selected" in option for option in rest)
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["Financeurs", "Partenaires du projet", "Autres organisations"]
    funders, partners, others = select.split("<optgroup")[1:]
    assert cd.name in funders and people["director"].organisation.name in partners
    assert consultancy.name in others and cd.name not in others


def test_a_funder_must_be_chosen(roles_project, login_as):
    project, people = roles_project
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/funding/lines/new", data=aid_form("")
    )
    assert r.status_code == 400
    assert "Ce champ est obligatoire." in r.text.split('name="funder_id"')[1]
    assert count(db.select(FundingLine)) == 0


def test_the_start_up_aid_comes_from_a_funder(roles_project, login_as):
    project, people = roles_project
    partner = people["director"].organisation
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/funding/lines/new", data=aid_form(partner.id)
    )
    assert r.status_code == 400
    assert "choisissez une organisation de type « Financeur »" in r.text
    assert count(db.select(FundingLine)) == 0
    # a partner's own contribution is fine
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/funding/lines/new",
        data=aid_form(partner.id, kind="partner_contribution", purpose_category="other"),
    )
    assert r.status_code == 302 and count(db.select(FundingLine)) == 1


def test_a_second_aid_is_not_offered(roles_project, login_as):
    project, people = roles_project
    aid = make_line(project, people["director"])
    client = login_as(people["director"])
    kind = _select(client.get(f"/projects/{project.id}/funding/lines/new").text, "kind")
    option = re.search(r'<option[^>]*value="startup_aid"[^>]*>[^<]*', kind).group(0)
    assert "disabled" in option and "(déjà demandée)" in option
    assert re.search(r'<option selected value="operating_grant"', kind)
    # the aid's own form still offers it, selected
    edit = client.get(f"/projects/{project.id}/funding/lines/{aid.id}/edit").text
    own = re.search(r'<option[^>]*value="startup_aid"[^>]*>', _select(edit, "kind")).group(0)
    assert "disabled" not in own and "selected" in own
    db.session.expire_all()
