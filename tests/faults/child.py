"""The process the fault harness kills: one scenario per run, printing `READY` once its imports are
done (the kill lands in the work, not in start-up) and `ACK <slug> <ms>` after each committed rating.

`python -m tests.faults.child SCENARIO DB`: `create` and `migrate` open (create, migrate) the file
again and again; `rate` rates cards through `app.rate` as a session does, forever.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from interview_drill.app.rate import rate_card
from interview_drill.domain.review import CardRow, GivenRating, Rating, from_ms, to_ms
from interview_drill.domain.schedule import Scheduler
from interview_drill.storage.history import Store

T0_MS = 1_767_603_600_000  # 2026-01-05 09:00 UTC


def rate_forever(db: Path, start: int) -> None:
    scheduler = Scheduler(fuzz=False)
    with Store.open(db) as store:
        print("READY", flush=True)
        for i in range(start, start + 100_000):
            slug = f"fault-{i % 40}"
            at = from_ms(T0_MS) + timedelta(minutes=i)
            shown = store.row(slug)
            rating = Rating(1 + i % 4)
            outcome = scheduler.preview(shown or CardRow(slug), at)[rating]
            rate_card(store, scheduler, GivenRating(slug, rating, at, "scheduled", shown, outcome))
            print(f"ACK {slug} {to_ms(at)}", flush=True)  # acknowledged: the commit has returned


def main() -> None:
    scenario, db = sys.argv[1], Path(sys.argv[2])
    if scenario in ("create", "migrate"):
        print("READY", flush=True)
        Store.open(db).close()
        print("DONE", flush=True)
    elif scenario == "rate":
        rate_forever(db, int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    main()
