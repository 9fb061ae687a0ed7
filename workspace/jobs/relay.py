"""Live notices of finished jobs without Redis.

The local worker is another process: the notice it pushes when a job ends reaches no open tab
(the sockets live in the web process, and no message queue links the two). So the web process
relays them: every :data:`EVERY` seconds it looks for ``job_done`` notifications it has not
seen (one indexed query) and pushes each to its owner's tabs, as the worker would have. With
Redis the worker's push travels through the Socket.IO message queue and this relay does not run.
"""

from __future__ import annotations

import logging

from workspace.extensions import db, socketio

log = logging.getLogger("workspace.jobs")
EVERY = 1.0  # seconds


def latest_id() -> int:
    from workspace.notifications.center import Notification

    return db.session.scalar(db.select(db.func.max(Notification.id))) or 0


def relay_once(after: int) -> int:
    """Push the ``job_done`` notifications newer than id ``after``; the newest id seen."""
    from workspace.notifications.center import Notification
    from workspace.realtime.hub import notify_user

    rows = db.session.execute(
        db.select(Notification.id, Notification.user_id, Notification.text, Notification.url)
        .where(Notification.kind == "job_done", Notification.id > after)
        .order_by(Notification.id)
    ).all()
    for nid, uid, text, url in rows:
        notify_user(uid, {"type": "notification", "id": nid, "text": text, "url": url})
    return rows[-1][0] if rows else after


def start_relay(app) -> None:
    """Run the relay in the background of this web process (a greenlet under gevent)."""
    if app.extensions.get("coopilote.job_relay"):
        return
    app.extensions["coopilote.job_relay"] = True

    def loop():
        with app.app_context():
            after = latest_id()
            db.session.remove()
            while True:
                socketio.sleep(EVERY)
                try:
                    after = relay_once(after)
                except Exception:  # the database away for a moment: try again
                    log.exception("job notice relay")
                finally:
                    db.session.remove()

    socketio.start_background_task(loop)
