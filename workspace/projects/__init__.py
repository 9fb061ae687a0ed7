"""The projects themselves: my projects, creation, overview, settings, activity, and the demo
project that ``flask --app workspace demo`` creates (each plugin adds its part through
``Plugin.demo``).

``views`` (blueprint ``projects``), ``forms`` (the project form), ``demo``.
"""
