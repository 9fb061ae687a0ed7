"""What keeps form input safe and whole, for the core and the plugins: shared validators with
French messages, optimistic locking (a stale edit gets a conflict), one creation per submitted
form, and control characters kept out of the database.

``fields`` (``required``, ``max_len``, ``strip``), ``conflicts``, ``submissions``,
``input_guard``.
"""
