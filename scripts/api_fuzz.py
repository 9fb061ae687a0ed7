"""Schemathesis over the whole API, every phase (examples, coverage, fuzzing, stateful).

    python scripts/api_fuzz.py [--max-examples N] [--who claire.martin|…] [--keep]

Builds a fresh instance (SQLite, in a temporary folder) with the demo, makes a write token
for a demo person (``claire.martin``, the coordinator, by default; ``julien.faure`` the
adviser, ``nadia.lopez`` the evaluator, ``pierre.garnier`` the funder who may only read),
serves the app on a free port of 127.0.0.1 and runs ``st run`` against
``/api/v1/openapi.json`` twice, every phase each time:

1. valid input (``--mode positive``) with the demo project's id as ``project_id``, so that
   calls reach the resources and the stateful phase chains them (a task created, read,
   moved, archived…);
2. invalid input (``--mode negative``) with generated project ids: fixing the id there
   would turn a case schemathesis made invalid through it into a valid one, which it then
   reports as "accepted" (``GET /me``, which takes nothing, is left out of this run).

Every check runs but three, excluded on purpose:

- ``positive_data_acceptance``: input valid for the document may still be refused with a 400
  and a message per field (an unknown id, a column of another project, an end before the
  start: rules the document cannot express);
- ``use_after_free``: a deleted comment stays readable as a tombstone (``"body": ""``,
  ``deleted_at`` set), by design;
- ``missing_required_header``: an update without ``If-Match`` answers ``428 Precondition
  Required`` (RFC 6585, documented), a status this check does not list.

``DELETE /api/v1/tokens/{token_id}`` is left out: it would revoke the run's own token
(tests/api/test_auth.py covers it).

The exit status is schemathesis's: 0 when no server error and no response outside the
document. ``tests/api/test_schemathesis.py`` runs it with ``--run-slow``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
EXCLUDED = ("positive_data_acceptance", "use_after_free", "missing_required_header")
#: The demo's people by first name: coordinator, adviser, evaluator, funder.
PEOPLE = {
    name: f"{name}@demo.coopilote.fr"
    for name in ("claire.martin", "julien.faure", "nadia.lopez", "pierre.garnier")
}


def _prepare(instance: Path, who: str) -> tuple[object, int, str]:
    """The app on a new instance with the demo, the demo project's id and a token."""
    sys.path.insert(0, str(ROOT))
    from workspace import create_app
    from workspace.api.tokens_ui import create_token
    from workspace.extensions import db
    from workspace.models import Membership, User
    from workspace.projects.demo import load_demo

    app = create_app({"INSTANCE_PATH": str(instance), "API_RATE_LIMIT": 1_000_000})
    with app.app_context():
        db.create_all()
        load_demo()
        user = db.session.scalar(db.select(User).filter_by(email=PEOPLE[who]))
        project_id = db.session.scalar(
            db.select(Membership.project_id).filter_by(user_id=user.id).order_by("id")
        )
        _token, secret = create_token(user, "schemathesis", "write", None)
        db.session.commit()
    return app, project_id, secret


def run(max_examples: int = 20, who: str = "claire.martin", keep: bool = False) -> int:
    """Serve the demo and fuzz it; the worst of the two runs' exit statuses."""
    instance = Path(tempfile.mkdtemp(prefix="coopilote-fuzz-"))
    app, project_id, secret = _prepare(instance, who)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}/api/v1/openapi.json"
    header = f'headers = {{ Authorization = "Bearer {secret}" }}\n'
    fixed = f'[parameters]\n"path.project_id" = {project_id}\n'
    try:
        statuses = [
            _st(instance / "positive.toml", header + fixed, url, "positive", max_examples),
            _st(instance / "negative.toml", header, url, "negative", max_examples),
        ]
        return max(statuses)
    finally:
        server.shutdown()
        if not keep:
            shutil.rmtree(instance, ignore_errors=True)


def _st(config: Path, text: str, url: str, mode: str, max_examples: int) -> int:
    config.write_text(text)
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(config),
        "run",
        url,
        "--mode",
        mode,
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(EXCLUDED),
        "--exclude-operation-id",
        "api_revoke_token",
        "--max-examples",
        str(max_examples),
        "--seed",
        "1",
        "--no-color",
    ]
    if mode == "negative":  # GET /me takes nothing that could be made invalid
        command += ["--exclude-operation-id", "api_me"]
    print(f"--- schemathesis, {mode} input", flush=True)
    return subprocess.call(command, cwd=config.parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument("--who", choices=sorted(PEOPLE), default="claire.martin")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    args = parser.parse_args()
    sys.exit(run(args.max_examples, args.who, args.keep))


if __name__ == "__main__":
    main()
