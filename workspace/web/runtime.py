"""Tuning of a served process (called by ``workspace.wsgi``, not by tests or scripts).

The garbage collector: a started application holds ~200,000 container objects (SQLAlchemy's
mappers, Jinja's templates, Babel's catalogues) that live as long as the process. Python's
full collections scanned them all, ~120 ms each, about once every 50 board pages: one page
in fifty, and every request in flight beside it, waited that long (the p99 of
``bench/run.py``). ``gc.freeze()`` moves them out of the collector's scans (a full collection
then takes ~1 ms), and a larger first threshold makes the young collections less frequent:
the objects of a request mostly die by reference counting before any collection runs
(measured in-process on the 500-task board: 3.9 ms of collection per page → 1.1 ms).
"""

from __future__ import annotations

import gc

from flask import Flask


def tune_gc(app: Flask) -> None:
    """Freeze what the application allocated at start-up and apply ``GC_THRESHOLD``."""
    gc.collect()
    gc.freeze()
    setting = str(app.config.get("GC_THRESHOLD") or "").strip()
    if setting:
        try:
            thresholds = [int(part) for part in setting.split(",")]
        except ValueError:
            app.logger.warning("GC_THRESHOLD %r ignored: integers expected", setting)
            return
        gc.set_threshold(*thresholds[:3])


class YieldBeforeEachRequest:
    """WSGI middleware for gevent: each request first lets the other ready requests run.

    gunicorn's gevent worker serves a keep-alive connection in a loop: when the client's next
    request is already in the socket (a browser or a load generator on another core sends it
    as soon as the response arrives), the connection's greenlet reads it without ever giving
    the hub a turn, and the other connections wait. Measured on the bare Flask floor page at 8
    keep-alive connections: p50 41 ms but p99 1.76 s (connections starved for seconds). Waiting
    for the event loop to go idle before each request (at most ``MAX_WAIT`` seconds, so that a
    busy loop cannot hold a request back) serves the ready connections in turn: p99 ~200 ms
    at the same throughput. Python code cannot be preempted, so a fair turn is all there is.
    """

    MAX_WAIT = 0.05

    def __init__(self, app) -> None:
        import gevent

        self.app = app
        self._gevent = gevent

    def __call__(self, environ, start_response):
        with self._gevent.Timeout(self.MAX_WAIT, False):
            self._gevent.idle()
        return self.app(environ, start_response)


def fair_under_gevent(app: Flask) -> None:
    """Wrap ``app.wsgi_app`` with :class:`YieldBeforeEachRequest` when gevent is serving
    (its monkey patching is active, as under ``gunicorn -k gevent``)."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return
    if monkey.is_module_patched("socket"):
        app.wsgi_app = YieldBeforeEachRequest(app.wsgi_app)
