"""Flask extensions, created unbound and initialised by the app factory."""

import sqlite3

from flask_babel import Babel
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = HTMX()
socketio = SocketIO()


@event.listens_for(Engine, "connect")
def _sqlite_write_ahead_log(dbapi_connection, _record) -> None:
    """SQLite (the embedded default) in write-ahead-log mode, every commit still synced.

    The default rollback journal writes, syncs and deletes a journal file on every commit and
    blocks readers while a writer commits; the log syncs one file once and lets pages read
    while a plan update or a card move is written (about 3× cheaper a commit, measured in
    bench/plan_bench.py). ``synchronous=FULL`` keeps a committed change through a power cut.
    The log needs a local disk (not NFS); the database is then three files:
    ``coopilote.sqlite``, ``-wal`` and ``-shm``."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # "memory" for an in-memory database
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
