"""Tiny path router shared by the Graph and admin APIs.

Patterns are written like ``communications/calls/{}/participants``: literal segments match
case-insensitively (Graph treats path names that way), ``{}`` captures one already
percent-decoded segment (so an id containing ``/`` sent as ``%2F`` stays one segment).
"""


def _compile(pattern):
    return tuple(None if part == "{}" else part.lower() for part in pattern.split("/"))


def _captures(compiled, segments):
    if len(compiled) != len(segments):
        return None
    captured = []
    for want, got in zip(compiled, segments):
        if want is None:
            captured.append(got)
        elif want != got.lower():
            return None
    return captured


class Router:  # pylint: disable=too-few-public-methods
    """An ordered list of (method, pattern, handler); the first match wins."""

    def __init__(self, routes):
        self._routes = [(method, _compile(pattern), func) for method, pattern, func in routes]

    def match(self, method, segments):
        """Return ``(handler, captures, allowed_methods)``.

        ``handler`` is None when nothing matched; ``allowed_methods`` is then non-empty if the
        path exists under another method (the caller answers 405 instead of 404).
        """
        allowed = []
        for route_method, compiled, func in self._routes:
            captured = _captures(compiled, segments)
            if captured is None:
                continue
            if route_method == method:
                return func, captured, []
            allowed.append(route_method)
        return None, [], sorted(set(allowed))
