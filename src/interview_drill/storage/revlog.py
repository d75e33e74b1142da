"""The review log as the FSRS optimiser tools read it: one CSV row per review, cram left out.

Columns: card_id (the card's integer key in the history), review_time (epoch ms), review_rating
(1–4), review_state (the state *before* the review: 0 new, 1 learning, 2 review, 3 relearning),
review_duration (ms; 0 when unknown). py-fsrs's `ReviewLog` keeps no state, so the store's
`phase_before` column is what makes state 0 (new) possible.
"""

from __future__ import annotations

import csv
from pathlib import Path

from interview_drill.files import Target, atomic_write
from interview_drill.storage.damage import valid_review
from interview_drill.storage.history import Store

REVLOG_COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")


def revlog_rows(store: Store) -> list[tuple[int, int, int, int, int]]:
    """Every non-cram review, oldest first, as a row of REVLOG_COLUMNS."""
    cur = store.conn.execute(
        "SELECT card_id, reviewed_at, rating, phase_before, coalesce(duration_ms, 0) FROM reviews "
        f"WHERE kind != 'cram' AND {valid_review('reviews')} ORDER BY reviewed_at, id"
    )
    return [(int(a), int(b), int(c), int(d), int(e)) for a, b, c, d, e in cur]


def earlier_revlog(head: bytes) -> bool:
    """Whether a file's first bytes are an earlier revlog export (its header row)."""
    return head.startswith(",".join(REVLOG_COLUMNS[:3]).encode())


def write_revlog(store: Store, out: Path, *, target: Target | None = None) -> int:
    """The CSV at `out` (atomically; `-` is standard output); returns the number of reviews.

    `target` says what it must not replace (see `files.Target`)."""
    rows = revlog_rows(store)

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(REVLOG_COLUMNS)
            writer.writerows(rows)

    atomic_write(out, write, what="revlog", target=target)
    return len(rows)
