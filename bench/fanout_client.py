"""One client process of bench/fanout.py: its share of the tabs, on gevent.

    python bench/fanout_client.py SPEC.json

SPEC holds the server's URL, the project, this process's session cookies and three paths:
``ready`` (written once every tab has joined the project's room), ``stop`` (the main process
writes the posted comments' ids there; the tabs then wait up to 20 s for the late ones) and
``out`` (the arrivals, written before exiting:
for each comment id, each tab's index and the wall-clock time it arrived).
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import socketio  # noqa: E402
from gevent.pool import Pool  # noqa: E402


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    arrivals: dict[int, list] = {}
    disconnects: list = []

    def tab(index: int, cookie: str):
        sc = socketio.Client(reconnection=False)

        def on_notice(payload):
            if payload.get("type") == "comment:created":
                arrivals.setdefault(payload["id"], []).append((index, time.time()))

        sc.on("notice", on_notice)
        sc.on("disconnect", lambda *reason: disconnects.append((index, time.time(), reason)))
        for attempt in range(5):
            try:
                headers = {"Cookie": f"session={cookie}"}
                sc.connect(spec["url"], headers=headers, transports=["websocket"])
                break
            except socketio.exceptions.ConnectionError:
                if attempt == 4:
                    raise
                gevent.sleep(1 + attempt)
        assert sc.call("join", {"project": spec["project"]}, timeout=60) == {"ok": True}
        return sc

    pool = Pool(32)
    tabs = pool.map(lambda pair: tab(*pair), list(enumerate(spec["cookies"], spec["first"])))
    Path(spec["ready"]).write_text(str(len(tabs)))
    stop = Path(spec["stop"])
    while not stop.exists():
        gevent.sleep(0.05)
    gevent.sleep(0.1)
    # The posted ids: wait (up to 20 s) until every tab has each, so that late is not missed.
    wanted, deadline = json.loads(stop.read_text() or "[]"), time.monotonic() + 20
    while time.monotonic() < deadline and any(
        len({i for i, _t in arrivals.get(cid, [])}) < len(tabs) for cid in wanted
    ):
        gevent.sleep(0.1)
    Path(spec["out"]).write_text(json.dumps({"arrivals": arrivals, "disconnects": disconnects}))
    for sc in tabs:
        sc.disconnect()


if __name__ == "__main__":
    main()
