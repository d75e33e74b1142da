"""The history file's format (JSON Lines): its records, parsed and validated line by line.

`parse_history` checks a whole file before anything is imported and reports every bad line as
`FILE:LINE: field: message`; `transfer.py` writes these files and merges them into a store.
Plain json and dataclasses: nothing here touches the database.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from interview_drill.domain.bounds import (
    MAX_ANSWER_CHARS,
    MAX_COUNT,
    MAX_DIFFICULTY,
    MAX_HASH_CHARS,
    MAX_MODE_CHARS,
    MAX_MS,
    MAX_NUMBER_ANSWER_CHARS,
    MAX_SLUG_CHARS,
    MAX_STABILITY,
    MAX_STEP,
    MAX_TRAPS,
    MIN_DIFFICULTY,
)
from interview_drill.domain.review import KINDS_OF_REVIEW, CardRow, Memory, Phase, from_ms, to_ms
from interview_drill.domain.textsafe import strip_controls
from interview_drill.errors import Hint, Part, UsageError, Words, meaning, spell

HISTORY_FORMAT = "idrill-history"
HISTORY_VERSION = 1
MAX_SHOWN_PROBLEMS = 50
MAX_LINE_BYTES = 4 * 1024 * 1024  # one record; a typed answer is capped well below this
MAX_FILE_BYTES = 4 * 1024**3  # 4 GB: ten million reviews fit in a tenth of that
_MAX_MS = MAX_MS
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # models.SLUG_PATTERN, without importing pydantic


class HistoryFileError(UsageError):
    """Problems in a history file, each `FILE:LINE: message`; nothing was imported."""

    def __init__(self, problems: Sequence[str | tuple[Part, ...]]):
        self.messages = [(p,) if isinstance(p, str) else p for p in problems]
        super().__init__("\n".join(spell(m) for m in self.messages))

    @property
    def problems(self) -> list[str]:
        return [spell(m) for m in self.messages]

    def lines(self, words: Words = meaning) -> list[str]:
        shown = self.messages[:MAX_SHOWN_PROBLEMS]
        more = len(self.messages) - len(shown)
        tail = [f"… and {more} more problems"] if more else []
        return [*(spell(m, words) for m in shown), *tail, "nothing was imported"]


@dataclass(frozen=True)
class HistoryReview:
    """One review of a history file; (slug, reviewed_at, rating, kind) is its natural key."""

    slug: str
    reviewed_at: int  # epoch ms
    rating: int
    kind: str
    duration_ms: int | None
    phase_before: int
    answer: str | None = None
    traps_hit: tuple[int, ...] | None = None
    before: CardRow | None = None
    session: tuple[str, int] | None = None  # (mode, started_at ms) of its session

    @property
    def key(self) -> tuple[str, int, int, str]:
        return (self.slug, self.reviewed_at, self.rating, self.kind)


@dataclass
class HistoryData:
    """A validated history file."""

    cards: dict[str, CardRow]
    sessions: dict[tuple[str, int], tuple[int | None, int]]  # (mode, started_at) -> (ended_at, cards_done)
    reviews: list[HistoryReview]
    number_answers: list[tuple[str, int, str, bool, int]]  # slug, figure index, answer, correct, at


class _Bad(Exception):
    """One problem on one line of a history file."""


def _field(obj: dict[str, Any], key: str) -> Any:
    if key not in obj:
        raise _Bad(f"{key}: missing")
    return obj[key]


def _int(obj: dict[str, Any], key: str, lo: int = 0, hi: int = _MAX_MS, *, null: bool = False) -> Any:
    value = obj.get(key) if null else _field(obj, key)
    if value is None and null:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _Bad(
            f"{key}: must be a whole number from {lo} to {hi}{' or null' if null else ''} (got {_show(value)})"
        )
    return value


def _float(obj: dict[str, Any], key: str, lo: float, hi: float, *, above: bool = False) -> float:
    """A number from `lo` to `hi` (`above`: strictly more than `lo`)."""
    value = _field(obj, key)
    number = math.nan
    if not isinstance(value, bool) and isinstance(value, (int, float)):
        with contextlib.suppress(OverflowError):  # a 4,000-digit integer stays NaN
            number = float(value)
    if not math.isfinite(number) or number > hi or number < lo or (above and number <= lo):
        low = f"more than {lo:g}" if above else f"from {lo:g}"
        raise _Bad(f"{key}: must be a number {low} to {hi:g} (got {_show(value)})")
    return number


def _text(obj: dict[str, Any], key: str, *, null: bool = False, cap: int = MAX_ANSWER_CHARS) -> Any:
    value = obj.get(key) if null else _field(obj, key)
    if value is None and null:
        return None
    if not isinstance(value, str):
        raise _Bad(f"{key}: must be text{' or null' if null else ''} (got {_show(value)})")
    if len(value) > cap:
        raise _Bad(f"{key}: is {len(value):,} characters long; at most {cap:,} are kept in a history")
    return value


def _slug(obj: dict[str, Any], key: str = "slug") -> str:
    value = _field(obj, key)
    if not isinstance(value, str) or len(value) > MAX_SLUG_CHARS or not _SLUG.match(value):
        raise _Bad(f"{key}: must be a card id like `lora-rank` (got {_show(value)})")
    return value


def _bool(obj: dict[str, Any], key: str) -> bool:
    value = _field(obj, key)
    if not isinstance(value, bool):
        raise _Bad(f"{key}: must be true or false (got {_show(value)})")
    return value


def _show(value: Any) -> str:
    if isinstance(value, str) and len(value) > 40:
        value = value[:40]
    try:
        text = json.dumps(value, ensure_ascii=False)
    except ValueError:  # an integer too long to print
        text = "a very long number"
    return strip_controls(text if len(text) <= 40 else text[:37] + "...")


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"{what}must be a JSON object (got {_show(value)})")
    return value


def parse_card_row(obj: dict[str, Any]) -> CardRow:
    """A card's state as written by `CardRow.to_dict` (validated)."""
    memory = None
    raw = obj.get("memory")
    if raw is not None:
        mem = _object(raw, "memory: ")
        try:
            memory = Memory(
                phase=Phase(_int(mem, "phase", 1, 3)),
                step=_int(mem, "step", 0, MAX_STEP, null=True),
                stability=_float(mem, "stability", 0, MAX_STABILITY, above=True),
                difficulty=_float(mem, "difficulty", MIN_DIFFICULTY, MAX_DIFFICULTY),
                due=from_ms(_int(mem, "due")),
                last_review=from_ms(_int(mem, "last_review")),
            )
        except _Bad as exc:
            raise _Bad(f"memory.{exc}") from None
    buried = _int(obj, "buried_until", null=True)
    return CardRow(
        slug=_slug(obj),
        memory=memory,
        reps=_int(obj, "reps", 0, MAX_COUNT),
        lapses=_int(obj, "lapses", 0, MAX_COUNT),
        content_hash=_text(obj, "content_hash", null=True, cap=MAX_HASH_CHARS),
        buried_until=from_ms(buried) if buried is not None else None,
        suspended=_bool(obj, "suspended"),
    )


def _parse_review(obj: dict[str, Any]) -> HistoryReview:
    kind = _text(obj, "kind")
    if kind not in KINDS_OF_REVIEW:
        raise _Bad(f"kind: must be one of {', '.join(KINDS_OF_REVIEW)} (got {_show(kind)})")
    traps = obj.get("traps_hit")
    if traps is not None and (
        not isinstance(traps, list)
        or len(traps) > MAX_TRAPS
        or not all(type(t) is int and 0 <= t < MAX_TRAPS for t in traps)
    ):
        raise _Bad(
            f"traps_hit: must be a list of trap numbers from 0 to {MAX_TRAPS - 1} or null (got {_show(traps)})"
        )
    before = obj.get("before")
    if before is not None:
        try:
            before = parse_card_row(_object(before, "before: "))
        except _Bad as exc:
            raise _Bad(f"before.{exc}") from None
    session = obj.get("session")
    if session is not None:
        if (
            not isinstance(session, list)
            or len(session) != 2
            or not isinstance(session[0], str)
            or not 0 < len(session[0]) <= MAX_MODE_CHARS
            or type(session[1]) is not int
            or not 0 <= session[1] <= _MAX_MS
        ):
            raise _Bad(f"session: must be [mode, started_at] or null (got {_show(session)})")
        session = (session[0], session[1])
    return HistoryReview(
        slug=_slug(obj),
        reviewed_at=_int(obj, "reviewed_at"),
        rating=_int(obj, "rating", 1, 4),
        kind=kind,
        duration_ms=_int(obj, "duration_ms", 0, MAX_COUNT, null=True),
        phase_before=_int(obj, "phase_before", 0, 3),
        answer=_text(obj, "answer", null=True),
        traps_hit=tuple(traps) if traps is not None else None,
        before=before,
        session=session,
    )


def last_review_ms(row: CardRow) -> int:
    """When the state was last reviewed, in epoch ms; -1 for a card never reviewed."""
    return to_ms(row.memory.last_review) if row.memory else -1


FUTURE_SLACK_MS = 86_400_000  # a day: clocks and time zones differ between machines, not by more


def _not_after(limit_ms: int | None, kind: object, obj: dict[str, Any], parsed: object) -> None:
    """Refuse a moment that has not happened yet (beyond `limit_ms`): a review dated 2999 would
    outrank every real one. Due dates and burials are in the future by nature and are not checked."""
    if limit_ms is None:
        return
    moments: list[tuple[str, int | None]] = []
    if isinstance(parsed, CardRow):
        moments.append(("memory.last_review", last_review_ms(parsed) if parsed.memory else None))
    elif isinstance(parsed, HistoryReview):
        moments.append(("reviewed_at", parsed.reviewed_at))
        if parsed.before is not None and parsed.before.memory is not None:
            moments.append(("before.memory.last_review", last_review_ms(parsed.before)))
        if parsed.session is not None:
            moments.append(("session", parsed.session[1]))
    elif kind == "session":
        moments += [("started_at", obj.get("started_at")), ("ended_at", obj.get("ended_at"))]
    elif kind == "number_answer":
        moments.append(("answered_at", obj.get("answered_at")))
    for key, ms in moments:
        if isinstance(ms, int) and ms > limit_ms:
            raise _Bad(
                f"{key}: {from_ms(ms):%Y-%m-%d %H:%M} UTC is in the future (later than "
                f"{from_ms(limit_ms):%Y-%m-%d %H:%M} UTC, a day from now); fix that machine's clock"
            )


def parse_history(lines: Iterable[bytes], name: str, *, now_ms: int | None = None) -> HistoryData:
    """Validate every line of a history file; raise HistoryFileError listing every bad line.

    With `now_ms`, a moment later than a day from then (a review, a session, a last review) is a bad
    line too."""
    limit_ms = None if now_ms is None else now_ms + FUTURE_SLACK_MS
    problems: list[str | tuple[Part, ...]] = []
    data = HistoryData(cards={}, sessions={}, reviews=[], number_answers=[])
    seen_header = False
    for number, raw in enumerate(lines, 1):
        where = f"{name}:{number}"
        not_ours = (
            f"{where}: the first line must be the header "
            f'{{"format": "{HISTORY_FORMAT}", "version": {HISTORY_VERSION}}}: ',
            Hint.IS_IT_A_HISTORY_EXPORT,
        )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            if not seen_header:  # not a history file at all: one line, not one per line of it
                problems.append(not_ours)
                break
            problems.append(f"{where}: not UTF-8 text")
            continue
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            if not seen_header:
                problems.append(not_ours)
                break
            if isinstance(exc, json.JSONDecodeError):
                problems.append(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})")
            elif isinstance(exc, RecursionError):
                problems.append(f"{where}: nested too deeply to be a history record")
            else:  # Python refuses integers of more than 4,300 digits
                problems.append(f"{where}: holds a number too long to be a history value")
            continue
        if not isinstance(obj, dict):
            if not seen_header:
                problems.append(not_ours)
                break
            problems.append(f"{where}: must be a JSON object (got {_show(obj)})")
            continue
        try:
            if "format" in obj:  # a header; `cat a.jsonl b.jsonl` repeats it, which is fine
                if obj.get("format") != HISTORY_FORMAT:
                    raise _Bad(f"format: must be {HISTORY_FORMAT!r} (got {_show(obj.get('format'))})")
                version = obj.get("version")
                if type(version) is not int or version != HISTORY_VERSION:  # `true == 1` in Python
                    if (
                        isinstance(version, int)
                        and not isinstance(version, bool)
                        and version > HISTORY_VERSION
                    ):
                        raise _Bad(
                            f"written by a newer interview-drill (history version {version}; this one reads "
                            f"version {HISTORY_VERSION}); upgrade interview-drill"
                        )
                    raise _Bad(f"version: must be {HISTORY_VERSION} (got {_show(version)})")
                seen_header = True
                continue
            if not seen_header:
                problems.append(not_ours)
                break
            kind = obj.get("type")
            if kind == "card":
                row = parse_card_row(obj)
                _not_after(limit_ms, kind, obj, row)
                known = data.cards.get(row.slug)
                if known is None or last_review_ms(row) >= last_review_ms(known):
                    data.cards[row.slug] = row  # the same card twice (merged files): the later state wins
            elif kind == "review":
                data.reviews.append(_parse_review(obj))
                _not_after(limit_ms, kind, obj, data.reviews[-1])
            elif kind == "session":
                key = (_text(obj, "mode", cap=MAX_MODE_CHARS), _int(obj, "started_at"))
                _not_after(limit_ms, kind, obj, None)
                data.sessions.setdefault(
                    key, (_int(obj, "ended_at", null=True), _int(obj, "cards_done", 0, MAX_COUNT))
                )
            elif kind == "number_answer":
                data.number_answers.append(
                    (
                        _slug(obj),
                        _int(obj, "figure_index", 0, 10**6),
                        _text(obj, "answer", cap=MAX_NUMBER_ANSWER_CHARS),
                        _bool(obj, "correct"),
                        _int(obj, "answered_at"),
                    )
                )
                _not_after(limit_ms, kind, obj, None)
            else:
                raise _Bad(f"type: must be card, review, session or number_answer (got {_show(kind)})")
        except _Bad as exc:
            problems.append(f"{where}: {exc}")
    if not seen_header and not problems:
        problems.append((f"{name}:1: empty file: ", Hint.NOT_A_HISTORY_EXPORT))
    if problems:
        raise HistoryFileError(problems)
    return data
