"""The only code that talks to social networks.

Django-free: connectors take and return the frozen dataclasses of :mod:`.contracts`, raise the
errors of :mod:`.errors`, and are found through :mod:`.registry`. See ``docs/connectors.md``.
"""
