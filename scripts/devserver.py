"""Development server with the demo loaded, for screenshots and manual checks.

    python scripts/devserver.py PORT [INSTANCE_DIR]

Creates the tables (create_all: no migration needed while developing), loads the demo and
serves HTTP + Socket.IO on 127.0.0.1:PORT. Use a fresh INSTANCE_DIR to start over.
"""

import sys

from workspace import create_app
from workspace.extensions import db, socketio
from workspace.projects.demo import load_demo


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    instance = sys.argv[2] if len(sys.argv) > 2 else f"instance/dev-{port}"
    app = create_app({"INSTANCE_PATH": instance})
    with app.app_context():
        db.create_all()
        for email, password, role in load_demo():
            print(f"{role:<40} {email} / {password}")
    socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
