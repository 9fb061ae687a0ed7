"""What every page shares: the template context (``can()``, navigation, assets), error pages and
JSON errors, toasts, French formats, locales and catalogues, the upload service, the hardening
wired into the factory, and the tuning of a served process.

``templating``, ``errors``, ``feedback``, ``formats``, ``i18n``, ``uploads``, ``pdf``,
``hardening``, ``runtime``.
"""
