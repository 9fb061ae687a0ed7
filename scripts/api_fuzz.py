"""Schemathesis over the whole API, every phase (examples, coverage, fuzzing, stateful).

    python scripts/api_fuzz.py [--max-examples N] [--who claire|pierre] [--keep]

Builds a fresh instance (SQLite, in a temporary folder) with the demo, makes a write token
for a demo person (``claire``: the coordinator, who may change most things; ``pierre``: the
funder, who may only read), serves the app on a free port of 127.0.0.1 and runs ``st run``
against ``/api/v1/openapi.json`` with the demo project's id as ``project_id``. Every check
runs but two, excluded on purpose:

- ``positive_data_acceptance``: input valid for the document may still be refused with a 400
  and a message per field (an unknown id, a column of another project, an end before the
  start: rules the document cannot express);
- ``use_after_free``: a deleted comment stays readable as a tombstone (``"body": ""``,
  ``deleted_at`` set), by design.

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
EXCLUDED = ("positive_data_acceptance", "use_after_free")
PEOPLE = {"claire": "claire.martin@demo.coopilote.fr", "pierre": "pierre.garnier@demo.coopilote.fr"}


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


def run(max_examples: int = 20, who: str = "claire", keep: bool = False) -> int:
    """Serve the demo and fuzz it; schemathesis's exit status."""
    instance = Path(tempfile.mkdtemp(prefix="coopilote-fuzz-"))
    app, project_id, secret = _prepare(instance, who)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = instance / "schemathesis.toml"
    config.write_text(
        f'headers = {{ Authorization = "Bearer {secret}" }}\n'
        f'[parameters]\n"path.project_id" = {project_id}\n'
    )
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(config),
        "run",
        f"http://127.0.0.1:{server.port}/api/v1/openapi.json",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(EXCLUDED),
        "--max-examples",
        str(max_examples),
        "--seed",
        "1",
        "--no-color",
    ]
    try:
        return subprocess.call(command, cwd=instance)
    finally:
        server.shutdown()
        if not keep:
            shutil.rmtree(instance, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument("--who", choices=sorted(PEOPLE), default="claire")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    args = parser.parse_args()
    sys.exit(run(args.max_examples, args.who, args.keep))


if __name__ == "__main__":
    main()
