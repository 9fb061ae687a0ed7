"""Creating indicators and entering measurements: good and bad input, history, exports."""

import io
from decimal import Decimal

import pytest

from plugins.indicators.models import Indicator, Measurement, MeasurementRevision
from tests.jobs import export_xlsx
from tests.plugins.indicators.conftest import make_indicator
from workspace.extensions import db

GOOD = {
    "name": "Coût de revient d'une heure",
    "definition": "Charges / heures",
    "area": "gestion",
    "kind": "money",
    "unit": "€/h",
    "direction": "lower",
    "baseline_value": "24,80",
    "baseline_date": "2025-12-31",
    "target_value": "23,20",
    "target_max": "",
    "target_date": "2027-06-30",
    "steps": "2026-12-31 ; 24,00",
    "frequency": "quarterly",
    "source": "Comptabilité",
    "responsible_org": "0",
}


def url(project, rest=""):
    return f"/projects/{project.id}/indicators/{rest}"


def test_director_creates_an_indicator(roles_project, login_as, emitted):
    project, people = roles_project
    r = login_as(people["director"]).post(url(project, "new"), data=GOOD)
    assert r.status_code == 302
    ind = db.session.scalar(db.select(Indicator))
    assert ind.baseline_value == Decimal("24.80") and ind.target_value == Decimal("23.20")
    assert [(t.target_date.isoformat(), t.value) for t in ind.targets] == [
        ("2026-12-31", Decimal("24.00"))
    ]
    assert emitted[-1]["type"] == "indicator:created" and "url" in emitted[-1]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_date", "2025-06-30", "La date de la cible doit suivre la date de la référence"),
        ("baseline_value", "vingt", "Montant invalide"),
        ("name", "", "Ce champ est obligatoire"),
        ("name", "x" * 201, "200 caractères au plus"),
        ("steps", "31/12/2026 24", "AAAA-MM-JJ ; valeur"),
        ("area", "astrologie", "Not a valid choice"),
    ],
)
def test_bad_indicator_input(roles_project, login_as, field, value, message):
    project, people = roles_project
    r = login_as(people["director"]).post(url(project, "new"), data={**GOOD, field: value})
    assert r.status_code == 400
    assert message in r.text or field == "area"
    assert db.session.scalar(db.select(db.func.count(Indicator.id))) == 0


def test_band_needs_an_upper_bound_and_percentages_stay_in_range(roles_project, login_as):
    project, people = roles_project
    c = login_as(people["director"])
    data = {
        **GOOD,
        "kind": "percentage",
        "direction": "band",
        "baseline_value": "50",
        "target_value": "40",
        "target_max": "",
    }
    r = c.post(url(project, "new"), data=data)
    assert r.status_code == 400 and "borne haute" in r.text
    r = c.post(url(project, "new"), data={**data, "target_max": "120"})
    assert r.status_code == 400 and "entre 0 et 100" in r.text
    assert c.post(url(project, "new"), data={**data, "target_max": "60"}).status_code == 302


def test_library_prefills_the_form(roles_project, login_as):
    project, people = roles_project
    c = login_as(people["director"])
    page = c.get(url(project, "library"))
    assert (
        page.status_code == 200
        and "Coût de revient d&#39;une heure d&#39;intervention" in page.text
    )
    r = c.get(url(project, "new?from=weekend_continuity"))
    assert 'value="Taux de continuité des interventions le week-end"' in r.text


def test_measurement_entry_and_bad_input(roles_project, login_as, emitted):
    project, people = roles_project
    ind = make_indicator(project, people["director"])
    c = login_as(people["director"])
    target = url(project, f"{ind.id}/measurements")
    for data, message in [
        ({"period": "2026-03", "value": "90"}, "Période invalide"),
        ({"period": "2026-T5", "value": "90"}, "Période invalide"),
        ({"period": "2026-T1", "value": "120"}, "entre 0 et 100"),
        ({"period": "2026-T1", "value": "beaucoup"}, "Saisissez un nombre"),
        ({"period": "2026-T1", "value": ""}, "obligatoire"),
        ({"period": "2026-T1", "value": "90", "comment": "x" * 5001}, "5000 caractères"),
    ]:
        r = c.post(target, data=data)
        assert r.status_code == 400, data
        assert message in r.text, (data, message)
    assert db.session.scalar(db.select(db.func.count(Measurement.id))) == 0
    assert c.post(target, data={"period": "2026-t1", "value": "90,5"}).status_code == 302
    m = db.session.scalar(db.select(Measurement))
    assert (m.period, m.value, m.review_status) == ("2026-T1", Decimal("90.5"), "pending")
    assert emitted[-1]["type"] == "measurement:created"
    # Duplicate period: refused, nothing added.
    r = c.post(target, data={"period": "2026-T1", "value": "91"})
    assert r.status_code == 400 and "Une mesure existe déjà pour cette période" in r.text
    assert db.session.scalar(db.select(db.func.count(Measurement.id))) == 1


def test_breakdown_values_per_organisation(roles_project, login_as):
    project, people = roles_project
    ind = make_indicator(project, people["director"], breakdown=True)
    orgs = project.partners
    c = login_as(people["director"])
    target = url(project, f"{ind.id}/measurements")
    bad = {"period": "2026-T1", "value": "90", f"org_{orgs[0].id}": "150"}
    r = c.post(target, data=bad)
    assert r.status_code == 400 and "entre 0 et 100" in r.text
    good = {
        "period": "2026-T1",
        "value": "90",
        f"org_{orgs[0].id}": "92",
        f"org_{orgs[1].id}": "88",
    }
    assert c.post(target, data=good).status_code == 302
    m = db.session.scalar(db.select(Measurement))
    assert {v.organisation_id: v.value for v in m.values} == {
        orgs[0].id: Decimal(92),
        orgs[1].id: Decimal(88),
    }
    page = c.get(url(project, str(ind.id)))
    assert orgs[0].name in page.text and "data-chart" in page.text


def test_edit_keeps_history_and_restarts_the_review(setup, login_as):
    project, people, ind, m = setup
    m.review_status = "accepted"
    db.session.commit()
    c = login_as(people["coordinator"])
    edit = url(project, f"{ind.id}/measurements/{m.id}/edit")
    assert c.get(edit).status_code == 200
    r = c.post(edit, data={"value": "93", "version": m.version})
    assert r.status_code == 302
    db.session.expire_all()
    m = db.session.get(Measurement, m.id)
    assert m.value == Decimal(93) and m.review_status == "pending"
    revs = db.session.scalars(
        db.select(MeasurementRevision)
        .filter_by(measurement_id=m.id)
        .order_by(MeasurementRevision.id)
    ).all()
    assert [r.value for r in revs] == [Decimal(90), Decimal(93)]
    # A stale version is a conflict, nothing changed.
    r = c.post(edit, data={"value": "10", "version": 1})
    assert r.status_code == 409
    assert db.session.get(Measurement, m.id).value == Decimal(93)
    # Wrong type on edit: 400.
    r = c.post(edit, data={"value": "abc", "version": m.version})
    assert r.status_code == 400 and "Saisissez un nombre" in r.text


def test_evidence_upload_is_checked(setup, login_as):
    project, people, ind, _m = setup
    c = login_as(people["director"])
    data = {
        "period": "2026-T2",
        "value": "91",
        "evidence": (io.BytesIO(b"MZ not a document"), "virus.exe"),
    }
    r = c.post(
        url(project, f"{ind.id}/measurements"), data=data, content_type="multipart/form-data"
    )
    assert r.status_code == 400 and "Type de fichier non accepté" in r.text
    data["evidence"] = (io.BytesIO(b"%PDF-1.4 test"), "planning.pdf")
    r = c.post(
        url(project, f"{ind.id}/measurements"), data=data, content_type="multipart/form-data"
    )
    assert r.status_code == 302
    m = db.session.scalar(db.select(Measurement).filter_by(period="2026-T2"))
    assert m.evidence_file.original_name == "planning.pdf"


def test_objects_of_another_project_are_404(setup, login_as):
    from tests.factories import project_with_roles

    _project, _people, ind, _m = setup
    other, others = project_with_roles()
    c = login_as(others["director"])
    assert c.get(f"/projects/{other.id}/indicators/{ind.id}").status_code == 404
    assert (
        c.post(
            f"/projects/{other.id}/indicators/{ind.id}/measurements",
            data={"period": "2026-T3", "value": "1"},
        ).status_code
        == 404
    )
    assert c.get(f"/projects/{other.id}/indicators/999999").status_code == 404


def test_exports(setup, login_as):
    from openpyxl import load_workbook

    project, people, _ind, _m = setup
    c = login_as(people["funder"])
    r = c.get(url(project, "export.csv"))
    assert r.status_code == 200 and "text/csv" in r.content_type
    text = r.data.decode("utf-8-sig")
    assert "Taux de continuité le week-end;2026-T1;2026-03-31;Ensemble;90.0" in text
    r = c.get(url(project, "indicators.csv"))
    assert "Taux de continuité le week-end;Pilotage et évaluation" in r.data.decode("utf-8-sig")
    r = export_xlsx(c, project)  # built by a background job
    assert f"indicateurs-{project.id}-" in r.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["Indicateurs", "Mesures"]
    assert wb["Mesures"]["A2"].value == "Taux de continuité le week-end"


def test_csv_neutralises_formulas(setup, login_as):
    project, people, ind, _m = setup
    ind.name = '=HYPERLINK("http://evil")'
    db.session.commit()
    text = login_as(people["director"]).get(url(project, "export.csv")).data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_create_without_intermediate_targets(roles_project, login_as):
    project, people = roles_project
    r = login_as(people["director"]).post(url(project, "new"), data={**GOOD, "steps": ""})
    assert r.status_code == 302
    assert db.session.scalar(db.select(Indicator)).targets == []
