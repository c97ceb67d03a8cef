"""Directory users: ``GET /{version}/users/{id | userPrincipalName}``, ``GET /{version}/users?$filter=...``
and the admin registration.

A module may resolve a user principal name (``ada@contoso.com``, or a guest's
``ada_fabrikam.com#EXT#@contoso.onmicrosoft.com``) to the object id it invites, or, when that is
not a principal name, look the address up by ``mail`` and ``proxyAddresses``. Users are
registered through ``POST /_emulator/users`` and forgotten by reset. Errors use the
directory's shapes (``Request_ResourceNotFound``, ``Authorization_RequestDenied``), which
differ from the communications API's ``itemNotFound``.
"""

import copy
import re
import uuid

from emulator.errors import GraphError
from emulator.messages import Response

USER_KEYS = ("id", "userPrincipalName", "displayName", "mail", "proxyAddresses")
# What GET /users/{id} returns without $select (Graph's default user properties).
DEFAULT_PROPERTIES = (
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
)
# Properties $select may name (a subset of microsoft.graph.user; unregistered ones are null).
SELECTABLE = DEFAULT_PROPERTIES + (
    "accountEnabled",
    "userType",
    "department",
    "companyName",
    "createdDateTime",
    "employeeId",
    "onPremisesSyncEnabled",
    "otherMails",
    "proxyAddresses",
    "usageLocation",
    "identities",
)


def _bad(message):
    return GraphError(400, "BadRequest", message)


def check_user(body):
    """Validate an admin registration body; return the stored user dict."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.")
    unknown = [key for key in body if key not in USER_KEYS]
    if unknown:
        raise _bad(f"Unknown key '{unknown[0]}'. Known keys: {', '.join(USER_KEYS)}.")
    user_id = body.get("id")
    try:
        uuid.UUID(str(user_id))
    except ValueError:
        raise _bad(f"'id' must be a GUID; got {user_id!r}.") from None
    if not isinstance(user_id, str) or len(user_id) != 36:
        raise _bad(f"'id' must be a GUID string like 7e1b4346-85a6-4bdd-abe3-d11c5d420efe; got {user_id!r}.")
    for key in ("userPrincipalName", "displayName"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise _bad(f"'{key}' must be a non-empty string.")
    if body.get("mail") is not None and not isinstance(body["mail"], str):
        raise _bad("'mail' must be a string or null.")
    proxies = body.get("proxyAddresses", [])
    if not isinstance(proxies, list) or not all(isinstance(item, str) and ":" in item for item in proxies):
        raise _bad("'proxyAddresses' must be a list of strings like 'SMTP:ada@contoso.com' (primary) or 'smtp:alias@contoso.com'.")
    return {
        "id": user_id,
        "userPrincipalName": body["userPrincipalName"],
        "displayName": body["displayName"],
        "mail": body.get("mail"),
        "proxyAddresses": list(proxies),
    }


def add_user(state, body):
    """Register a directory user; 409 if its id or userPrincipalName is taken. Returns the user."""
    user = check_user(body)
    with state.lock:
        for other in state.users.values():
            if other["id"].lower() == user["id"].lower() or other["userPrincipalName"].lower() == user["userPrincipalName"].lower():
                raise GraphError(409, "Conflict", f"A user with id '{other['id']}' / userPrincipalName '{other['userPrincipalName']}' already exists.")
        state.users[user["id"].lower()] = user
    return copy.deepcopy(user)


def find_user(state, key):
    """The user whose id or userPrincipalName equals ``key`` (case-insensitive), or None."""
    wanted = key.lower()
    with state.lock:
        user = state.users.get(wanted)
        if user is None:
            user = next((u for u in state.users.values() if u["userPrincipalName"].lower() == wanted), None)
        return copy.deepcopy(user)


def _full(user):
    full = {name: None for name in SELECTABLE}
    full.update(
        businessPhones=[], otherMails=[], identities=[], accountEnabled=True, userType="Guest" if "#ext#" in user["userPrincipalName"].lower() else "Member"
    )
    full.update(user)
    return full


def _select(req):
    raw = req.query.get("$select")
    if raw is None:
        return None
    if isinstance(raw, list):
        raw = ",".join(raw)
    names = [name.strip() for name in raw.split(",") if name.strip()]
    by_lower = {name.lower(): name for name in SELECTABLE}
    selected = []
    for name in names:
        if name.lower() not in by_lower:
            raise _bad(f"Parsing OData Select and Expand failed: Could not find a property named '{name}' on type 'microsoft.graph.user'.")
        selected.append(by_lower[name.lower()])
    return selected or None


def get_user(req, state, version, key):
    """GET /users/{id | userPrincipalName}, with optional $select."""
    if not state.get_config()["users_permission"]:
        raise GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    selected = _select(req)
    user = find_user(state, key)
    if user is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource '{key}' does not exist or one of its queried reference-property objects are not present.")
    full = _full(user)
    names = selected or list(DEFAULT_PROPERTIES)
    context = f"users({','.join(names)})/$entity" if selected else "users/$entity"
    body = {"@odata.context": f"{state.base_url}/{version}/$metadata#{context}"}
    body.update({name: full[name] for name in names})
    return Response(200, body)


# The $filter clauses a module may send to find a user by e-mail address, joined by " or ":
# mail eq '<address>', userPrincipalName eq '<address>', proxyAddresses/any(p:p eq '<smtp:address>').
# Graph compares these strings case-insensitively; a quote inside a value is doubled ('').
_CLAUSE = re.compile(r"^\s*(?:(mail|userPrincipalName) eq '((?:[^']|'')*)'|proxyAddresses/any\((\w+):\3 eq '((?:[^']|'')*)'\))\s*$", re.IGNORECASE)


def _parse_filter(text):
    """[(property, value)] of a supported $filter, or a 400 like Graph's for anything else."""
    clauses = []
    for part in re.split(r"\s+or\s+", text.strip()):
        match = _CLAUSE.match(part)
        if match is None:
            raise _bad(
                f"Invalid filter clause: the emulator supports mail eq, userPrincipalName eq and proxyAddresses/any(p:p eq ...) joined by 'or'; got {part!r}."
            )
        if match.group(1):
            clauses.append((match.group(1).lower(), match.group(2).replace("''", "'")))
        else:
            clauses.append(("proxyaddresses", match.group(4).replace("''", "'")))
    return clauses


def _matches(user, clauses):
    for prop, value in clauses:
        wanted = value.lower()
        if prop == "proxyaddresses":
            if any(address.lower() == wanted for address in user.get("proxyAddresses") or []):
                return True
        elif prop == "mail":
            if (user.get("mail") or "").lower() == wanted:
                return True
        elif user["userPrincipalName"].lower() == wanted:
            return True
    return False


def list_users(req, state, version):
    """GET /users?$filter=... (only the clauses above), with optional $select."""
    if not state.get_config()["users_permission"]:
        raise GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    selected = _select(req)
    raw = req.query.get("$filter")
    clauses = _parse_filter(raw) if isinstance(raw, str) and raw.strip() else None
    with state.lock:
        users = [copy.deepcopy(user) for user in state.users.values() if clauses is None or _matches(user, clauses)]
    names = selected or list(DEFAULT_PROPERTIES)
    context = f"users({','.join(names)})" if selected else "users"
    return Response(
        200, {"@odata.context": f"{state.base_url}/{version}/$metadata#{context}", "value": [{name: _full(user)[name] for name in names} for user in users]}
    )
