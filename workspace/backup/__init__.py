"""Project backup: one zip (``project.json`` and the documents) exported from the settings page or
the command line, and imported elsewhere after checking the whole file first.

``export`` (the format and the writer), ``importer`` (checked, one-transaction import),
``views`` (download pages and the ``flask project export|import`` commands), ``jobs`` (the
full backup built by the job worker), ``restore`` (an administrator restores a backup from
the site administration, imported by the job worker).
"""
