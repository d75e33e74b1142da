"""Interop: Anki decks, the FSRS revlog CSV, and history backup and restore (JSON lines).

Pure functions and file writing: no Typer, no Rich (the CLI wires progress and output). Only
`scheduler.py` talks to fsrs; personal parameters are fitted in `optimize.py`.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
import sqlite3
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from interview_drill.domain.review import KINDS_OF_REVIEW, CardRow, Memory, Phase, from_ms, to_ms
from interview_drill.domain.textsafe import strip_controls
from interview_drill.errors import StoreError, UsageError
from interview_drill.files import atomic_write

if TYPE_CHECKING:
    from interview_drill.domain.cards import Card
    from interview_drill.storage.history import Store


# ------------------------------------------------------------------ Anki

# Fixed forever: Anki recognises the note type and the deck by these ids, and each note by its GUID
# (from the card id), so importing a newer export updates the notes instead of duplicating them.
# Changing ANKI_FIELDS needs a new model id.
ANKI_MODEL_ID = 1_742_031_981
ANKI_DECK_ID = 1_742_031_982
ANKI_DECK_NAME = "Interview drill"
ANKI_MODEL_NAME = "interview-drill card"
ANKI_FIELDS = ("Question", "Outline", "Numbers", "FollowUps", "Traps", "Id")
_ANKI_FRONT = '<div class="question">{{Question}}</div>'
_ANKI_BACK = (
    '{{FrontSide}}<hr id="answer">'
    "{{#Outline}}<h4>Outline</h4>{{Outline}}{{/Outline}}"
    "{{#Numbers}}<h4>Numbers to drop</h4>{{Numbers}}{{/Numbers}}"
    "{{#FollowUps}}<h4>Follow-ups</h4>{{FollowUps}}{{/FollowUps}}"
    "{{#Traps}}<h4>Traps</h4>{{Traps}}{{/Traps}}"
    '<div class="id">{{Id}}</div>'
)
_ANKI_CSS = (
    ".card { font-family: sans-serif; font-size: 18px; text-align: left; }\n"
    ".question { font-weight: bold; }\n"
    ".id { margin-top: 1em; font-size: 12px; color: #888; }\n"
)


def anki_tags(card: Card) -> list[str]:
    """Hierarchical tags for topic, seniority and kind, then the card's own tags (all slugs: no spaces)."""
    return [f"topic::{card.topic}", f"seniority::{card.seniority}", f"kind::{card.kind}", *card.tags]


def anki_guid(card_id: str) -> str:
    import genanki

    return genanki.guid_for(card_id)


def write_anki(
    cards: Sequence[Card], out: Path, *, timestamp: float, fields: Callable[[Card], Mapping[str, str]]
) -> int:
    """Write an .apkg with one note per card; returns the number of notes.

    `fields(card)` gives the note's fields as HTML by name (ANKI_FIELDS), rendered by the caller
    (render/anki.py: app does not format card text). `timestamp` (seconds) stamps the notes, so the
    same cards at the same time give the same file.
    """
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        ANKI_MODEL_NAME,
        fields=[{"name": name} for name in ANKI_FIELDS],
        templates=[{"name": "Question", "qfmt": _ANKI_FRONT, "afmt": _ANKI_BACK}],
        css=_ANKI_CSS,
    )
    deck = genanki.Deck(ANKI_DECK_ID, ANKI_DECK_NAME)
    for card in cards:
        note = fields(card)
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[note[name] for name in ANKI_FIELDS],
                tags=anki_tags(card),
                guid=anki_guid(card.id),
            )
        )
    package = genanki.Package(deck)

    def write(target: Path) -> None:
        # Package.write_to_file leaves its SQLite temp file behind: build the collection ourselves.
        with tempfile.TemporaryDirectory(prefix="idrill-anki-") as work:
            collection = Path(work) / "collection.anki2"
            conn = sqlite3.connect(collection)
            try:
                package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
                conn.commit()
            finally:
                conn.close()
            stamp = time.gmtime(max(timestamp, 315_532_800))[:6]  # zip dates start in 1980
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, payload in (("collection.anki2", collection.read_bytes()), ("media", b"{}")):
                    archive.writestr(zipfile.ZipInfo(name, date_time=stamp), payload, zipfile.ZIP_DEFLATED)

    atomic_write(out, write)
    return len(cards)


# ------------------------------------------------------------------ FSRS revlog CSV

REVLOG_COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")


def revlog_rows(store: Store) -> list[tuple[int, int, int, int, int]]:
    """The review log as the FSRS optimiser tools read it; cram reviews (no scheduling) left out.

    card_id is the card's integer key in the history; review_state is the state *before* the review
    (0 new, 1 learning, 2 review, 3 relearning); an unknown duration is written as 0.
    """
    return store.revlog()


def write_revlog(store: Store, out: Path) -> int:
    rows = revlog_rows(store)

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(REVLOG_COLUMNS)
            writer.writerows(rows)

    atomic_write(out, write)
    return len(rows)


# ------------------------------------------------------------------ history backup and restore

HISTORY_FORMAT = "idrill-history"
HISTORY_VERSION = 1
MAX_SHOWN_PROBLEMS = 50
_MAX_MS = 32_503_680_000_000  # 3000-01-01: far enough, and safe to shift into any time zone
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # models.SLUG_PATTERN, without importing pydantic


class HistoryFileError(UsageError):
    """Problems in a history file, each `FILE:LINE: message`; nothing was imported."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def lines(self) -> list[str]:
        shown = self.problems[:MAX_SHOWN_PROBLEMS]
        more = len(self.problems) - len(shown)
        tail = [f"… and {more} more problems"] if more else []
        return [*shown, *tail, "nothing was imported"]


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


@dataclass(frozen=True)
class ImportResult:
    reviews_added: int = 0
    reviews_known: int = 0
    cards_added: int = 0
    cards_updated: int = 0
    cards_kept: int = 0  # the local state won: the card has newer local reviews
    sessions_added: int = 0
    number_answers_added: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.reviews_added,
                self.cards_added,
                self.cards_updated,
                self.sessions_added,
                self.number_answers_added,
            )
        )


def history_records(store: Store) -> Iterator[dict[str, Any]]:
    """Everything the history holds, as JSON-ready objects in a stable order (diffable in git)."""
    yield {"format": HISTORY_FORMAT, "version": HISTORY_VERSION}
    for _, row in sorted(store.rows().items()):
        yield {"type": "card", **row.to_dict()}
    for mode, started, ended, done in store.all_sessions():
        yield {"type": "session", "mode": mode, "started_at": started, "ended_at": ended, "cards_done": done}
    for slug, at, rating, kind, dur, phase, answer, traps, before, s_mode, s_start in store.all_reviews():
        yield {
            "type": "review",
            "slug": slug,
            "reviewed_at": at,
            "rating": rating,
            "kind": kind,
            "duration_ms": dur,
            "phase_before": phase,
            "answer": answer,
            "traps_hit": json.loads(traps) if traps else None,
            "before": json.loads(before) if before else None,
            "session": [s_mode, s_start] if s_mode is not None else None,
        }
    for slug, index, answer, correct, at in store.all_number_answers():
        yield {
            "type": "number_answer",
            "slug": slug,
            "figure_index": index,
            "answer": answer,
            "correct": bool(correct),
            "answered_at": at,
        }


def dump_history(store: Store, fh: IO[str]) -> dict[str, int]:
    """Write the history as JSON Lines; returns how many records of each type were written."""
    counts: dict[str, int] = defaultdict(int)
    for record in history_records(store):
        fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts[record.get("type", "header")] += 1
    return dict(counts)


def write_history(store: Store, out: Path) -> dict[str, int]:
    counts: dict[str, int] = {}

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            counts.update(dump_history(store, fh))

    atomic_write(out, write)
    return counts


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


def _float(obj: dict[str, Any], key: str, *, positive: bool = False) -> float:
    value = _field(obj, key)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or (positive and value <= 0)
    ):
        raise _Bad(f"{key}: must be a {'positive ' if positive else ''}number (got {_show(value)})")
    return float(value)


def _text(obj: dict[str, Any], key: str, *, null: bool = False) -> Any:
    value = obj.get(key) if null else _field(obj, key)
    if value is None and null:
        return None
    if not isinstance(value, str):
        raise _Bad(f"{key}: must be text{' or null' if null else ''} (got {_show(value)})")
    return value


def _slug(obj: dict[str, Any], key: str = "slug") -> str:
    value = _field(obj, key)
    if not isinstance(value, str) or not _SLUG.match(value) or len(value) > 200:
        raise _Bad(f"{key}: must be a card id like `lora-rank` (got {_show(value)})")
    return value


def _bool(obj: dict[str, Any], key: str) -> bool:
    value = _field(obj, key)
    if not isinstance(value, bool):
        raise _Bad(f"{key}: must be true or false (got {_show(value)})")
    return value


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
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
                step=_int(mem, "step", 0, 1000, null=True),
                stability=_float(mem, "stability", positive=True),
                difficulty=_float(mem, "difficulty"),
                due=from_ms(_int(mem, "due")),
                last_review=from_ms(_int(mem, "last_review")),
            )
        except _Bad as exc:
            raise _Bad(f"memory.{exc}") from None
    buried = _int(obj, "buried_until", null=True)
    return CardRow(
        slug=_slug(obj),
        memory=memory,
        reps=_int(obj, "reps", 0, 10**9),
        lapses=_int(obj, "lapses", 0, 10**9),
        content_hash=_text(obj, "content_hash", null=True),
        buried_until=from_ms(buried) if buried is not None else None,
        suspended=_bool(obj, "suspended"),
    )


def _parse_review(obj: dict[str, Any]) -> HistoryReview:
    kind = _text(obj, "kind")
    if kind not in KINDS_OF_REVIEW:
        raise _Bad(f"kind: must be one of {', '.join(KINDS_OF_REVIEW)} (got {_show(kind)})")
    traps = obj.get("traps_hit")
    if traps is not None and (
        not isinstance(traps, list) or not all(isinstance(t, int) and not isinstance(t, bool) for t in traps)
    ):
        raise _Bad(f"traps_hit: must be a list of whole numbers or null (got {_show(traps)})")
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
            or isinstance(session[1], bool)
            or not isinstance(session[1], int)
        ):
            raise _Bad(f"session: must be [mode, started_at] or null (got {_show(session)})")
        session = (session[0], session[1])
    return HistoryReview(
        slug=_slug(obj),
        reviewed_at=_int(obj, "reviewed_at"),
        rating=_int(obj, "rating", 1, 4),
        kind=kind,
        duration_ms=_int(obj, "duration_ms", 0, 10**9, null=True),
        phase_before=_int(obj, "phase_before", 0, 3),
        answer=_text(obj, "answer", null=True),
        traps_hit=tuple(traps) if traps is not None else None,
        before=before,
        session=session,
    )


def _last_review_ms(row: CardRow) -> int:
    return to_ms(row.memory.last_review) if row.memory else -1


def parse_history(lines: Iterable[bytes], name: str) -> HistoryData:
    """Validate every line of a history file; raise HistoryFileError listing every bad line."""
    problems: list[str] = []
    data = HistoryData(cards={}, sessions={}, reviews=[], number_answers=[])
    seen_header = False
    for number, raw in enumerate(lines, 1):
        where = f"{name}:{number}"
        not_ours = (
            f"{where}: the first line must be the header "
            f'{{"format": "{HISTORY_FORMAT}", "version": {HISTORY_VERSION}}}: '
            "is this an `idrill history export` file?"
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
        except json.JSONDecodeError as exc:
            if not seen_header:
                problems.append(not_ours)
                break
            problems.append(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})")
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
                if version != HISTORY_VERSION:
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
                known = data.cards.get(row.slug)
                if known is None or _last_review_ms(row) >= _last_review_ms(known):
                    data.cards[row.slug] = row  # the same card twice (merged files): the later state wins
            elif kind == "review":
                data.reviews.append(_parse_review(obj))
            elif kind == "session":
                key = (_text(obj, "mode"), _int(obj, "started_at"))
                data.sessions.setdefault(
                    key, (_int(obj, "ended_at", null=True), _int(obj, "cards_done", 0, 10**9))
                )
            elif kind == "number_answer":
                data.number_answers.append(
                    (
                        _slug(obj),
                        _int(obj, "figure_index", 0, 10**6),
                        _text(obj, "answer"),
                        _bool(obj, "correct"),
                        _int(obj, "answered_at"),
                    )
                )
            else:
                raise _Bad(f"type: must be card, review, session or number_answer (got {_show(kind)})")
        except _Bad as exc:
            problems.append(f"{where}: {exc}")
    if not seen_header and not problems:
        problems.append(f"{name}:1: empty file: not an `idrill history export` file")
    if problems:
        raise HistoryFileError(problems)
    return data


def read_history(path: Path) -> HistoryData:
    try:
        with open(path, "rb") as fh:
            return parse_history(fh, str(path))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a history file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def import_history(store: Store, data: HistoryData) -> ImportResult:
    """Merge a validated history into the store, in one transaction; importing twice changes nothing.

    Reviews, sessions and numbers-quiz answers are added unless already present (by natural key).
    A card's state is taken from the file when the card is new here, or when it has no review here
    newer than the file state's last review; otherwise the local state is kept.
    """
    try:
        with store.transaction():
            return _merge(store, data)
    except sqlite3.Error as exc:
        raise StoreError(f"history import failed, nothing was imported: {exc}") from None


def _merge(store: Store, data: HistoryData) -> ImportResult:
    ids = store.card_ids()
    local_before = set(ids)

    def card_id(slug: str) -> int:
        if slug not in ids:
            ids[slug] = store.upsert_row(None, CardRow(slug))
        return ids[slug]

    sessions = store.session_ids()
    sessions_added = 0
    for key, (ended, done) in sorted(data.sessions.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if key not in sessions:
            sessions[key] = store.add_session(key[0], key[1], ended, done)
            sessions_added += 1

    known = store.review_keys()
    added = known_count = 0
    for review in sorted(data.reviews, key=lambda r: (r.reviewed_at, r.slug)):
        if review.key in known:
            known_count += 1
            continue
        known.add(review.key)
        session_id = None
        if review.session is not None:
            session_id = sessions.get(review.session)
            if session_id is None:  # a review whose session line is missing: recreate a bare session
                session_id = sessions[review.session] = store.add_session(*review.session)
                sessions_added += 1
        store.add_review_row(
            card_id(review.slug), session_id, review.rating, review.reviewed_at, review.duration_ms,
            review.kind, review.phase_before, review.before, review.answer, review.traps_hit,
        )  # fmt: skip
        added += 1

    cards_added = cards_updated = cards_kept = 0
    for slug, imported in sorted(data.cards.items()):
        if slug not in local_before:
            store.upsert_row(card_id(slug), imported)
            cards_added += 1
            continue
        local = store.row(slug)
        if local == imported:
            continue
        newest = store.newest_review_ms(ids[slug])
        if newest is None or newest <= _last_review_ms(imported):
            store.upsert_row(ids[slug], imported)
            cards_updated += 1
        else:
            cards_kept += 1
    cards_added += len(set(ids) - local_before - set(data.cards))  # reviewed cards with no state line

    numbers_added = 0
    if data.number_answers:
        have = store.number_answer_keys()
        for slug, index, answer, correct, at in sorted(data.number_answers, key=lambda n: (n[4], n[0], n[1])):
            if (slug, index, answer, at) in have:
                continue
            have.add((slug, index, answer, at))
            store.add_number_answer_row(slug, index, answer, correct, at)
            numbers_added += 1

    return ImportResult(
        reviews_added=added,
        reviews_known=known_count,
        cards_added=cards_added,
        cards_updated=cards_updated,
        cards_kept=cards_kept,
        sessions_added=sessions_added,
        number_answers_added=numbers_added,
    )
