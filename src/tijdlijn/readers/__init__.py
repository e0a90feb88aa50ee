"""Readers turn files, folders, globs and stdin into Documents.

Every reader yields ``Document`` or ``ReadError`` items: a bad record becomes an
error report for that record, never a crash of the batch.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReadError:
    """A record that could not be read: where it is and what is wrong."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"
