"""Site administration: organisations and accounts, for site administrators only (others get
403); they see no project content unless they are members.

``views`` (blueprint ``admin``), ``forms``.
"""
