"""Alembic versions of the plugin (a branch labelled ``minutes``)."""
