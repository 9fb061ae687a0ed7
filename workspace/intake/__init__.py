"""The Pôle's intake (issue 17): before a project exists, an organisation describes its need
on a public form; the request lands in the Pôle's inbox, an adviser qualifies it.

``models`` (the request), ``forms`` (the public form, its honeypot), ``views`` (the public
form, the Pôle's inbox and a request's page; blueprint ``intake``).
"""
