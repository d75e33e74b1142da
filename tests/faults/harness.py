"""Fault injection: kill idrill with SIGKILL at random points while it creates a history file,
migrates an old one, imports a history, or rates cards, then check what a user relies on.

After every kill: the next command (`idrill doctor`) works, `PRAGMA integrity_check` says ok,
every rating the child acknowledged (its commit returned) is in the log, and an import is all or
nothing. Run a few hundred iterations with `scripts/faults` (`--iterations`, `--seed`); the test
suite runs a short fixed-seed round (`tests/faults/test_faults.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
IDRILL = Path(sys.executable).with_name("idrill")
SCENARIOS = ("create", "migrate", "import", "rate")
IMPORT_REVIEWS = 3000
# How long after READY a kill may land, per scenario (about each one's working time here).
WINDOW_S = {"create": 0.05, "migrate": 0.08, "import": 0.6, "rate": 0.5}


@dataclass
class Outcome:
    scenario: str
    delay_s: float
    acked: int = 0
    finished: bool = False  # the child was done before the kill (nothing interrupted)
    journal: bool = False  # the kill left a rollback journal for the next command to recover
    problem: str | None = None


def _env(home: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("IDRILL_")}
    return {**base, "IDRILL_HOME": str(home), "IDRILL_NOW": "2026-03-02T09:00:00+00:00", "IDRILL_FUZZ": "0",
            "PYTHONPATH": str(REPO)}  # fmt: skip


def history_file(path: Path) -> Path:
    """A history of IMPORT_REVIEWS reviews over 30 cards, to import."""
    lines = [json.dumps({"format": "idrill-history", "version": 1})]
    for i in range(IMPORT_REVIEWS):
        lines.append(json.dumps({
            "type": "review", "slug": f"imported-{i % 30}", "reviewed_at": 1_760_000_000_000 + i * 60_000,
            "rating": 1 + i % 4, "kind": "scheduled", "duration_ms": 1000, "phase_before": 0, "answer": None,
            "traps_hit": None, "before": None, "session": None,
        }))  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _spawn(args: list[str], home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(home))


def _kill_after_ready(proc: subprocess.Popen[str], delay: float, wait_ready: bool) -> list[str]:
    """SIGKILL `delay` s after the child says READY (or after it starts); its stdout lines."""
    assert proc.stdout is not None
    lines: list[str] = []
    if wait_ready:
        line = proc.stdout.readline()
        lines.append(line.strip())
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    return lines + out.splitlines()


def one(scenario: str, work: Path, rng: random.Random) -> Outcome:
    home = work / "home"
    home.mkdir(parents=True)
    db = home / "history.db"
    delay = rng.uniform(0, WINDOW_S[scenario])
    outcome = Outcome(scenario, delay)
    child = [sys.executable, "-m", "tests.faults.child"]
    acked: list[tuple[str, int]] = []
    before_reviews = 0
    if scenario == "migrate":
        shutil.copy(DATA / "history-v1.db", db)
        before_reviews = _count(db)
    if scenario == "rate":  # some history first, so the kill lands among existing rows too
        lines = _kill_after_ready(_spawn([*child, "rate", str(db), "0"], home), 0.1, True)
        acked += _acks(lines)
    if scenario == "import":
        lines = _kill_after_ready(
            _spawn([str(IDRILL), "history", "import", str(history_file(work / "in.jsonl"))], home),
            delay,
            False,
        )
        outcome.finished = any(line.startswith("imported") for line in lines)
    else:
        start = len(acked)
        lines = _kill_after_ready(_spawn([*child, scenario, str(db), str(start)], home), delay, True)
        acked += _acks(lines)
        outcome.finished = "DONE" in lines
    outcome.acked = len(acked)
    outcome.journal = Path(f"{db}-journal").exists()

    after = subprocess.run(
        [str(IDRILL), "--no-builtin", "--bank", str(DATA / "sample_bank"), "doctor"],
        capture_output=True, text=True, env=_env(home), timeout=60,
    )  # fmt: skip
    if after.returncode != 0 or "Traceback" in after.stderr:
        outcome.problem = (
            f"the next command failed ({after.returncode}): {(after.stdout + after.stderr)[-600:]}"
        )
        return outcome
    if not db.exists():
        if acked or scenario == "migrate":
            outcome.problem = "the history file is gone"
        return outcome
    with sqlite3.connect(db) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            outcome.problem = f"integrity_check: {check}"
            return outcome
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "reviews" not in tables:
            if acked or scenario in ("migrate", "import"):
                outcome.problem = f"no reviews table after {scenario}"
            return outcome
        logged = set(
            conn.execute("SELECT c.slug, r.reviewed_at FROM reviews r JOIN cards c ON c.id = r.card_id")
        )
        missing = [a for a in acked if a not in logged]
        if missing:
            outcome.problem = f"{len(missing)} acknowledged rating(s) lost, e.g. {missing[0]}"
            return outcome
        count = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    if scenario == "import" and count not in (0, IMPORT_REVIEWS):
        outcome.problem = f"a partial import: {count} of {IMPORT_REVIEWS} reviews"
    if scenario == "migrate" and count != before_reviews:
        outcome.problem = f"the migration lost reviews: {count} of {before_reviews}"
    return outcome


def _acks(lines: list[str]) -> list[tuple[str, int]]:
    acks = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "ACK":
            acks.append((parts[1], int(parts[2])))
    return acks


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])


def run(iterations: int, seed: int, scenarios: tuple[str, ...] = SCENARIOS) -> list[Outcome]:
    """`iterations` kills, cycling through `scenarios`, each in a fresh folder."""
    rng = random.Random(seed)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="idrill-faults-") as tmp:
        for i in range(iterations):
            work = Path(tmp) / str(i)
            outcomes.append(one(scenarios[i % len(scenarios)], work, rng))
            shutil.rmtree(work, ignore_errors=True)
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--scenario", choices=SCENARIOS, action="append")
    args = parser.parse_args()
    scenarios = tuple(args.scenario or SCENARIOS)
    print(f"fault injection: {args.iterations} kills, seed {args.seed}, scenarios {', '.join(scenarios)}")
    outcomes = run(args.iterations, args.seed, scenarios)
    failed = [o for o in outcomes if o.problem]
    kills = Counter(o.scenario for o in outcomes)
    acked = sum(o.acked for o in outcomes)
    for o in failed:
        print(f"FAIL  {o.scenario} (killed {o.delay_s * 1000:.0f} ms in): {o.problem}")
    early = sum(o.finished for o in outcomes)
    journals = sum(o.journal for o in outcomes)
    print(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} kills recovered ({early} landed after the work was done) "
        f"({', '.join(f'{k} {n}' for k, n in kills.items())}); {journals} left a rollback journal; "
        f"{acked} acknowledged ratings checked"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
