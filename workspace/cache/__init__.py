"""Reuse without staleness: revisions bumped in the writing transaction, rendered fragments keyed
by those revisions, and per-request memoisation of read-only queries.

``revisions`` (the ``cache_revision`` table), ``fragments`` (per-process fragment store),
``memo`` (per-request memo dropped on the first write).
"""
