"""Behaviour switches of the emulator, set through ``POST /_emulator/config``.

Each key is declared once in ``SETTINGS`` with its default, a validator and a one-line
description, so a new switch (failure modes, operation lifecycles, ...) is one entry here
plus the code that reads ``state.config[key]``.
"""


def _positive_int(value):
    # bool is a subclass of int; ``true`` must not silently mean a page size of 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be an integer >= 1")
    return value


class Setting:  # pylint: disable=too-few-public-methods
    """One configuration key: default value, validator (returns the value or raises ValueError), doc."""

    def __init__(self, default, validator, description):
        self.default = default
        self.validator = validator
        self.description = description


SETTINGS = {
    "page_size": Setting(100, _positive_int, "Most participants per page of GET .../participants (then @odata.nextLink)."),
}


def defaults():
    """A fresh config dict holding every key at its default."""
    return {key: setting.default for key, setting in SETTINGS.items()}


def validate(changes):
    """Check a partial config; return it normalised or raise ValueError naming the bad key."""
    if not isinstance(changes, dict):
        raise ValueError("The config body must be a JSON object of setting names to values.")
    checked = {}
    for key, value in changes.items():
        setting = SETTINGS.get(key)
        if setting is None:
            raise ValueError(f"Unknown config key '{key}'. Known keys: {', '.join(sorted(SETTINGS))}.")
        try:
            checked[key] = setting.validator(value)
        except ValueError as exc:
            raise ValueError(f"Invalid value for config key '{key}': {exc} (got {value!r}).") from exc
    return checked
