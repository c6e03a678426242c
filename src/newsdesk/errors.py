"""The exception tree of newsdesk.

Every error newsdesk raises on purpose derives from :class:`NewsdeskError` and
carries a message that says what went wrong and what to do next.

NewsdeskError
├── InputError            one input could not be read as an article (batch goes on)
├── StorageError          the database cannot be used
│   ├── DatabaseCorruptError
│   ├── DatabaseLockedError
│   └── SchemaTooNewError
└── NotFoundError         a requested story/article id does not exist
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class of all newsdesk errors."""


class InputError(NewsdeskError):
    """An input could not be turned into an article; ``reason`` says why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StorageError(NewsdeskError):
    """The database cannot be opened or written."""


class DatabaseCorruptError(StorageError):
    """The file is not a newsdesk SQLite database or is damaged."""


class DatabaseLockedError(StorageError):
    """Another process holds a lock on the database for too long."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer newsdesk; it is left untouched."""


class NotFoundError(NewsdeskError):
    """A story, article or entity id does not exist in the store."""
