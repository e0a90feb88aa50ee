"""The HTTP API and the web app (``tijdlijn serve``)."""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):  # noqa: ANN002,ANN003 - see tijdlijn.web.app.create_app
    from tijdlijn.web.app import create_app as _create

    return _create(*args, **kwargs)
