"""Telling people what happened: the in-app notification centre and bell, per-kind preferences,
e-mail now or in a daily digest, and the outgoing mail itself. Plugins never call it for their
own events: it listens to ``workspace.events``.

``center`` (models, preferences, notify(), delivery after commit, the event rules), ``digest``
(the daily e-mail, ``flask digest send``), ``views`` (blueprint ``notifications``), ``mail``
(queue_mail(); SMTP or instance/outbox/), ``outbox`` (the mail queue the job worker sends).
"""
