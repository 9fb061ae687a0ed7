"""The realtime hub over Socket.IO: one room per project, presence, and notices emitted after
the database commit (Redis as the message queue beyond one process).

``hub`` (connect, join with ``can()``, ``emit_after_commit``).
"""
