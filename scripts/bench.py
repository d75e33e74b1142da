"""Performance bench of interview-drill: run it as `scripts/bench` (or `scripts/bench --quick`).

Every figure is measured over several runs of a whole process (median and max of its wall time and
of its CPU time, plus peak RSS, from the kernel's rusage of that process). Process figures are judged
as ratios to the `import typer` floor measured in the same run: one floor run precedes every run of
a figure, so a busy machine slows both alike, and the floor is the median of all of them. The ratio
is of CPU times (user + system) by default, which a shared machine disturbs far less than wall
times (`--clock wall` judges wall times); the absolute times are shown for context. Library-level
figures (queue build, persisting a rating) run in child processes of this script that time just that
step (CPU or wall, by the same switch), and keep absolute targets. Peak RSS is judged against its max.
Exit 1 if a target is missed, 2 if the bench itself failed.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import bench_data  # noqa: E402

FULL = {"cards": 10_000, "reviews": 100_000, "runs": 5, "ratings": 1_000}
QUICK = {"cards": 400, "reviews": 4_000, "runs": 3, "ratings": 100}
MS = 1e-3


@dataclass
class Sample:
    seconds: float
    rss_kb: int
    output: str = ""
    cpu: float | None = None  # user + system seconds of the measured process


@dataclass
class Figure:
    key: str
    label: str
    target: float | None  # seconds (or MB for a memory figure); None = no target, shown for reference
    target_text: str
    samples: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    unit: str = "ms"
    note: str = ""
    missing: str = ""  # why the figure could not be measured (e.g. the command does not exist yet)
    ratio: float | None = None  # the target as a multiple of the `import typer` floor (process figures)
    cpu: list[float] = field(default_factory=list)
    statistic: str = "median"  # or "p99": what the target is checked against
    floor: Figure | None = field(default=None, repr=False)
    clock: str = "wall"

    @property
    def median(self) -> float | None:
        if not self.samples:
            return None
        if self.statistic == "p99":
            ordered = sorted(self.samples)
            return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return statistics.median(self.samples)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def times(self) -> float | None:
        """The figure as a multiple of the floor (on the clock the bench judges by)."""
        if self.floor is None:
            return None
        if self.clock == "cpu":
            mine, floor = self.cpu_median, self.floor.cpu_median
        else:
            mine, floor = self.median, self.floor.median
        return mine / floor if mine is not None and floor else None

    @property
    def cpu_times(self) -> float | None:
        if self.floor is None or not self.cpu or not self.floor.cpu:
            return None
        floor = self.floor.cpu_median
        return (self.cpu_median or 0.0) / floor if floor else None

    @property
    def max(self) -> float | None:
        return max(self.samples) if self.samples else None

    @property
    def rss_mb(self) -> float | None:
        return max(self.rss_kb) / 1024 if self.rss_kb else None

    @property
    def passed(self) -> bool | None:
        if (self.target is None and self.ratio is None) or self.missing or not self.samples:
            return None
        if self.ratio is not None:
            return self.times is not None and self.times <= self.ratio
        value = self.rss_mb if self.unit == "MB" else self.median
        return value is not None and value <= self.target


# ---------------------------------------------------------------- running processes


# A process's peak RSS on Linux includes its memory before exec: a child forked from this (large)
# script would report our size. So every measured command is started by this tiny launcher, which
# times it (monotonic clock, shared by all processes) and reports its rusage through a pipe.
_LAUNCHER = """
import os, sys, time
fd = int(sys.argv[1])
start = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
end = time.monotonic()
cpu = usage.ru_utime + usage.ru_stime
os.write(fd, f"{start!r} {end!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {cpu!r}".encode())
"""


@dataclass
class Launched:
    proc: subprocess.Popen
    report: int  # read end of the launcher's pipe

    def finish(self) -> tuple[float, float, int, int, float]:
        """(start, end, peak RSS in KiB, exit code, CPU seconds) of the measured command, once it has exited."""
        self.proc.wait()
        with os.fdopen(self.report, "rb") as f:
            start, end, rss, code, cpu = f.read().decode().split()
        return float(start), float(end), int(rss), int(code), float(cpu)


def launch(cmd: list[str], env: dict[str, str], **popen: Any) -> Launched:
    read, write = os.pipe()
    exe = shutil.which(cmd[0]) or cmd[0]
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, str(write), exe, *cmd[1:]], env=env, pass_fds=(write,), **popen
    )
    os.close(write)
    return Launched(proc, read)


def run(
    cmd: list[str],
    env: dict[str, str],
    *,
    timeout: float = 120,
    check: bool = True,
    stdin: bytes | None = None,
) -> Sample:
    """One whole process: wall time from spawn to exit, CPU time and peak RSS (ru_maxrss, KiB on Linux).

    `stdin`: bytes the process reads as its standard input (a scripted session).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as given:
        if stdin is not None:
            given.write(stdin)
            given.seek(0)
        launched = launch(
            cmd,
            env,
            stdin=subprocess.DEVNULL if stdin is None else given,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, lambda: os.killpg(launched.proc.pid, signal.SIGKILL))
        timer.start()
        try:
            start, end, rss, code, cpu = launched.finish()
        finally:
            timer.cancel()
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if check and code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}:\n{text[-2000:]}")
    return Sample(end - start, rss, text, cpu)


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def run_in_pty(cmd: list[str], env: dict[str, str], needle: str, *, timeout: float = 60) -> Sample:
    """Start `cmd` on a pseudo-terminal; time until `needle` is on screen, then press q and wait."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    launched = launch(cmd, env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    raw = b""
    found: float | None = None
    pressed = 0.0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            # Press q until the drill quits: a key typed before it switches the terminal to raw
            # mode is flushed by that switch.
            if found is not None and time.monotonic() - pressed > 0.1:
                os.write(master, b"q")
                pressed = time.monotonic()
            ready, _, _ = select.select([master], [], [], 0.01)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            raw += data
            if found is None and needle in _screen_text(raw):
                found = time.monotonic()
        else:
            os.killpg(launched.proc.pid, signal.SIGKILL)
    finally:
        os.close(master)
        start, _, rss, _, cpu = launched.finish()
    if found is None:
        text = _screen_text(raw)
        raise RuntimeError(f"{' '.join(cmd)}: `{needle}` never appeared on the terminal:\n{text[-2000:]}")
    return Sample(found - start, rss, _screen_text(raw), cpu)


def _screen_text(raw: bytes) -> str:
    text = _ANSI.sub("", raw.decode("utf-8", "replace"))
    return " ".join(text.replace("│", " ").split())


def measure(
    fig: Figure, runs: int, once: Callable[[int], Sample | float], before: Callable[[], None] | None = None
) -> Figure:
    """`runs` samples of `once`; `before` runs ahead of each (the floor, so the two alternate)."""
    for i in range(runs):
        if before is not None:
            before()
        got = once(i)
        if isinstance(got, Sample):
            fig.samples.append(got.seconds)
            fig.rss_kb.append(got.rss_kb)
            if got.cpu is not None:
                fig.cpu.append(got.cpu)
        else:
            fig.samples.append(got)
    return fig


# Which heavy dependencies `idrill FLAG` imports (run as `python -m interview_drill`).
_HEAVY = """
import sys, runpy
sys.argv = ["idrill", "FLAG"]
try:
    runpy.run_module("interview_drill", run_name="__main__")
except SystemExit:
    pass
print("HEAVY:", *sorted(m for m in ("fsrs", "pydantic", "yaml", "rich", "sqlite3") if m in sys.modules))
"""


# ---------------------------------------------------------------- child processes (library level)


def child(args: argparse.Namespace) -> None:
    """Time one library step in this fresh process; print the result as JSON."""
    from interview_drill import speedups
    from interview_drill.app.workspace import open_workspace
    from interview_drill.bank import load_bank
    from interview_drill.domain.filters import CardFilter

    speedups.REAL_RUN = True  # load the bank as `idrill` does (GC off, then frozen)
    with speedups.long_lived():
        bank = load_bank([Path(args.bank)], include_builtin=False)
    if args.child == "queue":
        ws = open_workspace(bank, Path(args.db), readonly=True)
        start, cpu = time.perf_counter(), time.process_time()
        queue = ws.queue(CardFilter())
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(json.dumps({"seconds": [seconds], "cpu": [cpu], "due": len(queue.due), "new": len(queue.new)}))
        return
    if args.child == "persist":
        from datetime import timedelta

        from interview_drill.app.rate import rate_card
        from interview_drill.domain.review import GivenRating, Rating

        ws = open_workspace(bank, Path(args.db))
        rows = ws.rows()
        now = ws.now()
        slugs = [c.id for c in bank.cards if c.id in rows][args.offset : args.offset + args.ratings]
        todo = []
        for slug in slugs:
            row = rows[slug]
            card = bank.by_id[slug]
            todo.append((slug, row, ws.scheduler.next_memory(row, Rating.GOOD, now), card.content_hash))
        session = ws.store.start_session("drill", now)
        times, cpus = [], []
        for i, (slug, row, outcome, chash) in enumerate(todo):
            at = now + timedelta(seconds=i + 1)
            start, cpu = time.perf_counter(), time.process_time()
            rate_card(ws.store, ws.scheduler, GivenRating(
                slug, Rating.GOOD, at, "scheduled", shown=row, outcome=outcome,
                content_hash=chash, duration_ms=12_000, session_id=session,
            ))  # fmt: skip
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        print(json.dumps({"seconds": times, "cpu": cpus}))
        return
    raise SystemExit(f"unknown child {args.child}")


# ---------------------------------------------------------------- the bench


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.quick = args.quick
        self.sizes = dict(QUICK if args.quick else FULL)
        if args.runs:
            self.sizes["runs"] = args.runs
        self.runs = self.sizes["runs"]
        self.work = Path(args.workdir or REPO / ".bench" / ("quick" if args.quick else "full")).resolve()
        self.out = Path(args.out or REPO / "bench-results.json")
        bindir = Path(sys.executable).parent
        self.idrill = (
            [str(bindir / "idrill")]
            if (bindir / "idrill").exists()
            else [sys.executable, "-m", "interview_drill"]
        )
        self.python = sys.executable
        self.figures: list[Figure] = []
        self.floor: Figure  # the `import typer` floor, measured by bench_floors and before every run
        self.clock = args.clock

    # ------------------------------------------------------------ data and environment

    def prepare(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self.bank = self.work / "bank"
        self.db = self.work / "history.db"
        manifest = self.work / "manifest.json"
        want = {"format": bench_data.FORMAT, "cards": self.sizes["cards"], "reviews": self.sizes["reviews"]}
        have = json.loads(manifest.read_text()) if manifest.exists() else None
        if have != want or not self.db.exists() or not self.bank.is_dir():
            print(
                f"generating {self.sizes['cards']} cards and {self.sizes['reviews']} reviews in {self.work} ..."
            )
            shutil.rmtree(self.bank, ignore_errors=True)
            bench_data.write_bank(self.bank, self.sizes["cards"])
            bench_data.write_history(self.db, bench_data.card_ids(self.sizes["cards"]), self.sizes["reviews"])
            manifest.write_text(json.dumps(want))
        self.bank_mb = sum(p.stat().st_size for p in self.bank.glob("*.yaml")) / 1e6
        self.home = self.work / "home"
        shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir()
        self.warm_cache = self.home / "cache"

    def env(self, cache: Path | None = None, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IDRILL_")}
        env.update(
            IDRILL_HOME=str(self.home),
            IDRILL_CACHE_DIR=str(cache or self.warm_cache),
            IDRILL_NOW=bench_data.NOW.isoformat(),
            IDRILL_TZ="UTC",
            IDRILL_FUZZ="0",
            PYTHONDONTWRITEBYTECODE="",
            TERM="xterm-256color",
            COLUMNS="200",
            LINES="50",
        )
        env.pop("NO_COLOR", None)
        env.update(extra)
        return env

    def big(self) -> list[str]:
        return ["--no-builtin", "--bank", str(self.bank)]

    def add(self, fig: Figure) -> Figure:
        self.figures.append(fig)
        return fig

    # ------------------------------------------------------------ figures

    def bench_floors(self) -> None:
        env = self.env()
        for key, code in (("python", "pass"), ("import_typer", "import typer")):
            fig = self.add(Figure(f"floor_{key}", f"floor: python -c {code!r}", None, "reference"))
            measure(fig, self.runs, lambda _, code=code: run([self.python, "-c", code], env))
            if key == "import_typer":
                self.floor = fig

    def floor_run(self) -> None:
        """One more sample of the `import typer` floor, taken just before a sample of a figure."""
        sample = run([self.python, "-c", "import typer"], self.env())
        self.floor.samples.append(sample.seconds)
        self.floor.rss_kb.append(sample.rss_kb)
        if sample.cpu is not None:
            self.floor.cpu.append(sample.cpu)

    def ratio_figure(self, key: str, label: str, ratio: float) -> Figure:
        """A process figure judged as a multiple of the `import typer` floor."""
        return self.add(
            Figure(
                key,
                label,
                None,
                f"≤ {ratio:g}× import typer",
                ratio=ratio,
                floor=self.floor,
                clock=self.clock,
            )
        )

    def timed(self, fig: Figure, once: Callable[[int], Sample | float]) -> Figure:
        """Measure `fig`, each run preceded by a run of the floor (they alternate)."""
        return measure(fig, self.runs, once, before=self.floor_run)

    def bench_startup(self) -> None:
        env = self.env()
        for flag in ("--version", "--help"):
            fig = self.ratio_figure(flag.strip("-"), f"idrill {flag}", 1.5)
            self.timed(fig, lambda _, flag=flag: run([*self.idrill, flag], env))
            heavy = run([self.python, "-c", _HEAVY.replace("FLAG", flag)], env).output
            loaded = [line.split()[1:] for line in heavy.splitlines() if line.startswith("HEAVY:")][-1]
            fig.note = f"heavy modules imported: {', '.join(loaded) or 'none'}"

    def first_card(self, env: dict[str, str], args: list[str]) -> str:
        """The start of the question the drill will show first (from `idrill due --json`)."""
        due = json.loads(run([*self.idrill, "due", "--json", *args], env).output)
        if not due["cards"]:
            raise RuntimeError("the bench queue is empty: nothing to time")
        card = json.loads(run([*self.idrill, "show", "--json", due["cards"][0]["id"], *args], env).output)
        return " ".join(card["question"].split()[:5])

    def bench_first_card(self) -> None:
        env = self.env()
        db = self.home / "builtin.db"
        args = ["--db", str(db)]
        needle = self.first_card(env, args)
        shutil.rmtree(self.warm_cache, ignore_errors=True)
        cold = run_in_pty([*self.idrill, *args], env, needle)  # fills the cache
        fig = self.ratio_figure("first_card", "time to first card, built-in bank", 2.5)
        self.timed(fig, lambda _: run_in_pty([*self.idrill, *args], env, needle))
        fig.note = f"first run (empty cache): {cold.seconds / MS:.0f} ms"

    def bench_scripted_session(self) -> None:
        """A whole session on the built-in bank, read from a pipe: reveal, rate Good, quit."""
        env = self.env()
        keys = b"space\n3\nq\n"
        fig = self.ratio_figure("session", "scripted session (reveal, rate, quit), built-in bank", 3.0)

        def once(i: int) -> Sample:
            db = self.home / f"session-{i}.db"
            for leftover in self.home.glob(f"session-{i}.db*"):
                leftover.unlink()
            sample = run([*self.idrill, "--db", str(db)], env, stdin=keys)
            if "Good" not in sample.output and "good" not in sample.output.lower():
                raise RuntimeError(f"the scripted session did not rate a card:\n{sample.output[-2000:]}")
            return sample

        once(99)  # the built-in bank's cache is warm, as for a user
        self.timed(fig, once)

    def bench_bank(self) -> None:
        cold = self.ratio_figure(
            "bank_cold", f"{self.sizes['cards']} cards ({self.bank_mb:.1f} MB): cold validate", 18
        )

        def cold_once(i: int) -> Sample:
            cache = self.work / f"cache-cold-{i}"
            shutil.rmtree(cache, ignore_errors=True)
            try:
                return run([*self.idrill, "validate", *self.big()], self.env(cache))
            finally:
                shutil.rmtree(cache, ignore_errors=True)

        self.timed(cold, cold_once)
        env = self.env()
        run([*self.idrill, "validate", *self.big()], env)  # fill the cache
        warm = self.ratio_figure("bank_warm", f"{self.sizes['cards']} cards: warm start (cached)", 4)
        self.timed(warm, lambda _: run([*self.idrill, "validate", *self.big()], env))

    def bench_children(self) -> None:
        env = self.env()
        me = [self.python, str(Path(__file__).resolve()), "--child"]
        fig = self.add(
            Figure(
                "queue",
                f"queue build: {self.sizes['cards']} cards + {self.sizes['reviews']} logs",
                0.200,
                "≤ 200 ms",
            )
        )
        queue_info: dict[str, Any] = {}

        def queue_once(_: int) -> float:
            sample = run([*me, "queue", "--bank", str(self.bank), "--db", str(self.db)], env)
            got = json.loads(sample.output.strip().splitlines()[-1])
            queue_info.update(got)
            fig.rss_kb.append(sample.rss_kb)
            fig.cpu.extend(got["cpu"])
            return got["cpu" if self.clock == "cpu" else "seconds"][0]

        measure(fig, self.runs, queue_once)
        fig.note = f"{queue_info.get('due')} due + {queue_info.get('new')} new; timed inside the process"

        copy = self.work / "persist.db"
        shutil.copy(self.db, copy)
        n = self.sizes["ratings"]
        fig = self.add(
            Figure("persist", f"persist one rating (median of {n} per run)", 0.005, "≤ 5 ms median")
        )
        p99 = self.add(
            Figure("persist_p99", "persist one rating: p99", 0.020, "≤ 20 ms p99", statistic="p99")
        )
        every: list[float] = []

        def persist_once(i: int) -> None:
            sample = run(
                [
                    *me,
                    "persist",
                    "--bank",
                    str(self.bank),
                    "--db",
                    str(copy),
                    "--ratings",
                    str(n),
                    "--offset",
                    str(i * n),
                ],
                env,
            )
            every.extend(
                json.loads(sample.output.strip().splitlines()[-1])[
                    "cpu" if self.clock == "cpu" else "seconds"
                ]
            )
            fig.rss_kb.append(sample.rss_kb)

        for i in range(self.runs):
            persist_once(i)
        fig.samples = every
        p99.samples = list(every)
        p99.rss_kb = list(fig.rss_kb)
        fig.note = f"{len(every)} ratings in WAL, {self.sizes['reviews']} reviews in the log"

    def command_exists(self, name: str) -> bool:
        return (
            run([*self.idrill, name, "--help"], self.env(), check=False).output.lstrip().startswith("Usage")
        )

    def bench_reports(self) -> None:
        env = self.env()
        args = [*self.big(), "--db", str(self.db)]
        todo: list[tuple[str, list[str], str]] = [("stats", ["stats"], "idrill stats")]
        for fmt in ("md", "html", "json", "csv"):
            out = self.work / f"report.{fmt}"
            todo.append(
                (
                    f"report_{fmt}",
                    ["report", "--format", fmt, "--out", str(out)],
                    f"idrill report --format {fmt}",
                )
            )
        for key, cmd, label in todo:
            fig = self.ratio_figure(key, f"{label} over {self.sizes['reviews']} logs", 4)
            if not self.command_exists(cmd[0]):
                fig.missing = "n/a (command missing)"
                continue
            run([*self.idrill, *cmd, *args], env)  # the bank cache is warm, as for a user
            self.timed(fig, lambda _, cmd=cmd: run([*self.idrill, *cmd, *args], env))

    def bench_session(self) -> None:
        db = self.work / "session.db"
        shutil.copy(self.db, db)
        args = [*self.big(), "--db", str(db)]
        cache = self.work / "cache-session"
        shutil.rmtree(cache, ignore_errors=True)
        env = self.env(cache)
        needle = self.first_card(env, args)  # also fills this cache: clear it for one cold session
        shutil.rmtree(cache, ignore_errors=True)
        fig = self.add(
            Figure(
                "session_rss",
                f"peak RSS: drill session, {self.sizes['cards']}-card bank + history",
                150.0,
                "≤ 150 MB",
                unit="MB",
            )
        )
        measure(fig, self.runs, lambda _: run_in_pty([*self.idrill, *args], env, needle))
        shutil.rmtree(cache, ignore_errors=True)
        fig.note = (
            f"first run with an empty cache; time to first card: cold {fig.samples[0] / MS:.0f} ms, "
            f"warm median {statistics.median(fig.samples[1:] or fig.samples) / MS:.0f} ms"
        )

    # ------------------------------------------------------------ output

    def table(self) -> str:
        head = (
            "figure",
            "median",
            "max",
            "CPU median",
            "wall × typer",
            "CPU × typer",
            "peak RSS",
            "target",
            "result",
        )
        rows = []
        for f in self.figures:
            if f.missing:
                rows.append((f.label, "", "", "", "", "", "", f.target_text, f.missing))
                continue
            med = mx = cpu = ratio = cpu_ratio = ""
            if f.unit != "MB":
                med, mx, cpu = _ms(f.median), _ms(f.max), _ms(f.cpu_median)
                if f.key not in ("queue", "persist", "persist_p99"):  # library-level: no process floor
                    floor = self.floor
                    ratio = f"{(f.median or 0) / (floor.median or 1):.2f}"
                    if f.cpu and floor.cpu:
                        cpu_ratio = f"{(f.cpu_median or 0) / (floor.cpu_median or 1):.2f}"
            rss = f"{f.rss_mb:.0f} MB" if f.rss_mb else ""
            result = {True: "PASS", False: "FAIL", None: ""}[f.passed]
            rows.append((f.label, med, mx, cpu, ratio, cpu_ratio, rss, f.target_text, result))
        widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
        lines = [
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in [head, *rows]
        ]
        lines.insert(1, "-" * len(lines[0]))
        judged = "CPU times (user + system)" if self.clock == "cpu" else "wall times"
        lines.append(
            f"ratios are of {judged} (median) to the `import typer` floor of this run "
            f"({len(self.floor.samples)} floor runs, alternating with the figures' runs)"
        )
        notes = [f"  {f.label}: {f.note}" for f in self.figures if f.note]
        return "\n".join(lines + (["", "notes:", *notes] if notes else []))

    def results(self) -> dict[str, Any]:
        return {
            "mode": "quick" if self.quick else "full",
            "sizes": {**self.sizes, "bank_mb": round(self.bank_mb, 2)},
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "clock": self.clock,
            "floors_ms": {
                k: round((f.median or 0) / MS, 2)
                for k, f in (("python", self.figures[0]), ("import_typer", self.floor))
            },
            "floor_cpu_ms": None if self.floor.cpu_median is None else round(self.floor.cpu_median / MS, 2),
            "figures": {
                f.key: {
                    "label": f.label,
                    "unit": f.unit,
                    "runs": len(f.samples),
                    # for the memory figure, the times are those of its runs (time to first card)
                    "median_ms": None if f.median is None else round(f.median / MS, 3),
                    "max_ms": None if f.max is None else round(f.max / MS, 3),
                    "cpu_median_ms": None if f.cpu_median is None else round(f.cpu_median / MS, 3),
                    "statistic": f.statistic,
                    "target_ratio": f.ratio,
                    "times_floor": None if f.times is None else round(f.times, 3),
                    "cpu_times_floor": None if f.cpu_times is None else round(f.cpu_times, 3),
                    "peak_rss_mb": None if f.rss_mb is None else round(f.rss_mb, 1),
                    "target": f.target_text,
                    "passed": f.passed,
                    "note": f.missing or f.note,
                }
                for f in self.figures
            },
            "passed": all(f.passed is not False for f in self.figures),
        }

    def run_all(self) -> int:
        self.prepare()
        steps = (
            ("import floors", self.bench_floors),
            ("--version / --help", self.bench_startup),
            ("time to first card", self.bench_first_card),
            ("scripted session", self.bench_scripted_session),
            ("bank load", self.bench_bank),
            ("queue build and persisting ratings", self.bench_children),
            ("stats and report", self.bench_reports),
            ("session memory", self.bench_session),
        )
        for name, step in steps:
            print(f"measuring {name} ...", flush=True)
            step()
        print()
        print(self.table())
        results = self.results()
        self.out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {self.out}")
        missed = [f.label for f in self.figures if f.passed is False]
        if missed:
            print(f"missed {len(missed)} target(s): {'; '.join(missed)}")
            return 1
        print("all targets met")
        return 0


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds / MS:.2f} ms" if seconds < 0.01 else f"{seconds / MS:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and fewer runs (the test suite runs this)"
    )
    parser.add_argument("--runs", type=int, help="runs per figure (default 5, quick 3)")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="cpu",
        help="judge by CPU time (default: steady on a shared, busy machine) or by wall time",
    )
    parser.add_argument("--workdir", help="where generated data goes (default .bench/full or .bench/quick)")
    parser.add_argument("--out", help="results file (default bench-results.json in the repo)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--bank", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--ratings", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    try:
        return Bench(args).run_all()
    except Exception:
        traceback.print_exc()
        print("the bench itself failed (exit 2)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
