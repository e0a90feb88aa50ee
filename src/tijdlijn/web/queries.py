"""Moved to :mod:`tijdlijn.kb.queries` (read queries over the store's public API); kept as an alias so
existing imports keep working."""
from __future__ import annotations

from tijdlijn.kb.queries import *  # noqa: F401,F403
from tijdlijn.kb.queries import __all__  # noqa: F401
