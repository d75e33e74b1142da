"""Commands of one feature area, registered on the app by `cli.py`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
