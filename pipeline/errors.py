"""Errors that `pipeline/` raises and the CLI turns into a message and an exit code."""


class TrustwatchError(Exception):
    """Base class: a problem the user can act on, reported in one line."""

    exit_code = 1


class InputRejected(TrustwatchError):
    """One input (a file or a line of a JSON Lines file) cannot be stored."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreMissing(TrustwatchError):
    """A query command was pointed at a store that does not exist."""


class UsageError(TrustwatchError):
    """The caller asked for something that cannot be given (unknown category, bad query)."""

    exit_code = 2


class PatternError(TrustwatchError):
    """A rule file shipped with the package is malformed."""


class ModelError(TrustwatchError):
    """A model file is missing, untrusted or unreadable."""
