"""Local emulator of Microsoft's token service and the Graph cloud-communications API.

For tests only: it plays ``login.microsoftonline.com`` (client credentials) and
``graph.microsoft.com`` (``/communications/calls``) over real HTTPS on loopback, so the
collection's modules, MSAL and TLS verification run exactly as they would against the
cloud. Start it with ``python tests/emulator/server.py``; see ``docs/docsite/rst/guide_emulator.rst``.

The package is importable as ``emulator`` when ``tests/`` is on ``sys.path``.
"""
