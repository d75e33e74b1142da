"""Shell completion for topics, seniority levels, kinds and card ids.

The shell runs these on every <TAB>, so they are fast (the bank is loaded only when needed) and never
raise (anything printed would land in the user's prompt): every failure completes nothing. This module
has no `from __future__ import annotations` on purpose: Typer inspects each completion function's
annotations for every option that uses it, and real annotations cost nothing to read where strings
would be evaluated again each time.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from interview_drill.bank import Bank


def _completion_bank(ctx: typer.Context) -> "Bank | None":
    """The bank the command line so far asks for (--bank, --no-builtin, IDRILL_BANK), or None."""
    try:
        from interview_drill.bank import load_bank
        from interview_drill.paths import user_bank_paths

        banks: list[Path] = []
        no_builtin = False
        node: Any = ctx
        while node is not None:
            banks += [Path(p) for p in node.params.get("bank") or []]
            no_builtin = no_builtin or bool(node.params.get("no_builtin"))
            node = node.parent
        return load_bank(user_bank_paths(banks), include_builtin=not no_builtin)
    except Exception:
        return None


def complete_topic(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        bank = _completion_bank(ctx)
        topics = bank.topics.items() if bank else []
        return [(slug, title) for slug, title in topics if slug.startswith(incomplete)]
    except Exception:
        return []


def complete_card_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        bank = _completion_bank(ctx)
        cards = bank.cards if bank else []
        return [(c.id, c.topic) for c in cards if c.id.startswith(incomplete)]
    except Exception:
        return []


def complete_level(incomplete: str) -> list[str]:
    try:
        from interview_drill.domain.cards import SENIORITIES

        return [s for s in SENIORITIES if s.startswith(incomplete)]
    except Exception:
        return []


def complete_kind(incomplete: str) -> list[str]:
    try:
        from interview_drill.domain.cards import KINDS

        return [k for k in KINDS if k.startswith(incomplete)]
    except Exception:
        return []
