"""``--seed FILE``: start the emulator with directory users, meetings, calls and config from one JSON or YAML file.

The file holds what the admin API takes, one list (or object) per route::

    users:      [{id, userPrincipalName, displayName, mail?}]            as POST /_emulator/users
    meetings:   [{organizer, subject?, external_id?, ...}]               as POST /_emulator/meetings; the organizer may
                                                                         also be a seeded user's userPrincipalName
    calls:      [{participants?, id?, group?, state?, config?, ...}]     as POST /_emulator/calls
    config:     {invite_outcomes: {...}, ...}                            as POST /_emulator/config

``POST /_emulator/reset`` forgets seeded things as it forgets the rest.
"""

import json

from emulator import admin_api, users_api
from emulator.errors import GraphError

SECTIONS = ("users", "meetings", "calls", "config")


class SeedError(ValueError):
    """The seed file cannot be read or applied; the message names the file, the entry and the rule."""


def load(path):
    """The seed document of ``path``: JSON, or YAML when PyYAML is installed (JSON is YAML too)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise SeedError(f"--seed {path}: cannot be read ({exc.strerror})") from exc
    try:
        document = json.loads(text)
    except ValueError:
        try:
            import yaml  # pylint: disable=import-outside-toplevel
        except ImportError as exc:
            raise SeedError(f"--seed {path}: not JSON, and PyYAML is not installed to read YAML") from exc
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SeedError(f"--seed {path}: neither JSON nor YAML ({exc})") from exc
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise SeedError(f"--seed {path}: must be a mapping with any of {', '.join(SECTIONS)}")
    unknown = [key for key in document if key not in SECTIONS]
    if unknown:
        raise SeedError(f"--seed {path}: unknown section {unknown[0]!r}; the sections are {', '.join(SECTIONS)}")
    return document


def apply(state, document, path):
    """Add the document's users, meetings and calls, then merge its config; return one line per seeded thing."""
    lines = []
    for index, user in enumerate(_entries(document, "users", path)):
        created = _checked(lambda user=user: users_api.add_user(state, user), path, f"users[{index}]")
        lines.append(f"user {created['userPrincipalName']} ({created['displayName']}): {created['id']}")
    for index, meeting in enumerate(_entries(document, "meetings", path)):
        meeting = dict(meeting) if isinstance(meeting, dict) else meeting
        if isinstance(meeting, dict) and isinstance(meeting.get("organizer"), str) and "@" in meeting["organizer"]:
            found = users_api.find_user(state, meeting["organizer"])
            if found is None:
                raise SeedError(f"--seed {path}: meetings[{index}].organizer {meeting['organizer']!r} is no seeded user")
            meeting["organizer"] = found["id"]
        created = _checked(lambda meeting=meeting: admin_api.meetings_api.seed(state, meeting), path, f"meetings[{index}]")
        lines.append(f"meeting {created.get('externalId') or created['id']}: {created['joinWebUrl']}")
    for index, call in enumerate(_entries(document, "calls", path)):
        if not isinstance(call, dict):
            raise SeedError(f"--seed {path}: calls[{index}] must be a mapping")
        created = _checked(lambda call=call: admin_api.new_seeded_call(state, call), path, f"calls[{index}]")
        lines.append(f"call {created.id}: {created.state}")
    config = document.get("config")
    if config is not None:
        if not isinstance(config, dict):
            raise SeedError(f"--seed {path}: config must be a mapping of config keys")
        try:
            state.update_config(config)
        except ValueError as exc:
            raise SeedError(f"--seed {path}: config: {exc}") from exc
        lines.append(f"config: {', '.join(sorted(config))}")
    return lines


def _entries(document, section, path):
    entries = document.get(section) or []
    if not isinstance(entries, list):
        raise SeedError(f"--seed {path}: {section} must be a list")
    return entries


def _checked(work, path, where):
    try:
        return work()
    except GraphError as exc:
        raise SeedError(f"--seed {path}: {where}: {exc.message}") from exc
