"""In-app help: the user guides of ``docs/guide`` rendered in the layout, the « ? » link, and the
first-visit tour per role.

``guides`` (blueprint ``help``), ``tour``.
"""
