"""Project backup: one zip (``project.json`` and the documents) exported from the settings page or
the command line, and imported elsewhere after checking the whole file first.

``export`` (the format and the writer), ``importer`` (checked, one-transaction import),
``views`` (download pages and the ``flask project export|import`` commands).
"""
