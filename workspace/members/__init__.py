"""Who takes part in a project: the members page by organisation, invitations, role
changes and removal (coordinators only), and the forms behind them.

``views`` (blueprint ``members``), ``forms``.
"""
