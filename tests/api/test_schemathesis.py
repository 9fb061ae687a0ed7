"""Property-based run of the OpenAPI document against the app (in-process WSGI).

As a coordinator (who may write) and as the funder (who may only read): no 5xx, every
response conforms to the document. The default run is modest (25 examples per operation);
``--run-slow`` runs the ``slow`` variant with more examples.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks

from tests.api import world as W
from tests.api.conftest import make_token

SUPPRESS = list(HealthCheck)
#: Schema-valid input may still be refused with 400 and a message per field: an unknown id,
#: a column of another project, an end before the start, a stale cursor (opaque to the
#: document). Every other check runs: no 5xx, documented statuses, content types, headers
#: and bodies conforming to their schemas.
EXCLUDED = [checks.positive_data_acceptance]


@pytest.fixture
def fuzz_world(app, roles_project):
    project, people = roles_project
    w = W.build(project, people)
    app.extensions["coopilote.api_limiter"].limit = 100_000
    yield w, {who: make_token(people[who]) for who in ("coordinator", "funder")}
    app.extensions["coopilote.api_limiter"].limit = 600


def _fuzz(app, fuzz_world, who: str, examples: int) -> None:
    """Every operation, ``examples`` positive cases each (the pytest plugin of schemathesis
    does not support pytest 9 yet: drive its Hypothesis strategies directly)."""
    w, tokens = fuzz_world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for op in operations:
        params = {"project_id": w.project.id} if "{project_id}" in op.path else None

        @given(case=op.as_strategy(path_parameters=params))
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=SUPPRESS,
            database=None,
            phases=[Phase.explicit, Phase.generate],
        )
        def check(case):
            case.call_and_validate(
                headers={"Authorization": f"Bearer {tokens[who]}"},
                excluded_checks=EXCLUDED,
            )

        check()


def test_fuzz_as_coordinator(app, fuzz_world):
    _fuzz(app, fuzz_world, "coordinator", 25)


def test_fuzz_as_funder(app, fuzz_world):
    _fuzz(app, fuzz_world, "funder", 25)


@pytest.mark.slow
@pytest.mark.parametrize("who", ["coordinator", "funder"])
def test_fuzz_long(app, fuzz_world, who):
    _fuzz(app, fuzz_world, who, 300)


@pytest.mark.slow
@pytest.mark.parametrize("who", ["claire.martin", "julien.faure", "nadia.lopez", "pierre.garnier"])
def test_every_phase_over_http(who):
    """``scripts/api_fuzz.py``: the schemathesis CLI, every phase (stateful included), valid
    then invalid input, against the demo served over HTTP, as each role that may change
    something and as the funder: 0 server errors, 0 responses outside the document, every
    invalid request refused."""
    from scripts.api_fuzz import run

    assert run(max_examples=30, who=who) == 0
