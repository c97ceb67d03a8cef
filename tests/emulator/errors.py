"""Exceptions that route handlers raise; handler.py turns them into the right error body.

Two shapes exist because two services are emulated: Graph (``{"error": {"code", ...}}``)
and Entra ID's token endpoint (``{"error": "...", "error_description": "AADSTS..."}``).
"""


class GraphError(Exception):
    """A Graph-style error response (also used by the admin API, which shares the shape)."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


class TokenError(Exception):
    """An Entra ID (AADSTS) token-service error response."""

    def __init__(self, status, error, aadsts, message):
        super().__init__(message)
        self.status = status
        self.error = error
        self.aadsts = aadsts
        self.message = message
