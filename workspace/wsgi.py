"""WSGI entry point for gunicorn: ``gunicorn -k gevent -w 1 workspace.wsgi:app``.

Under gunicorn's gevent worker the standard library is already monkey-patched, and the
Socket.IO async mode is then ``gevent`` (see workspace.config); WORKSPACE_ASYNC_MODE overrides.
"""

from workspace import create_app
from workspace.web.runtime import fair_under_gevent, tune_gc

app = create_app()
fair_under_gevent(app)
tune_gc(app)
