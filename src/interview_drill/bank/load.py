"""Loading whole banks: every file from the cache, the quick path or the careful one, then checks across files.

Owns `Bank` (the loaded cards, indexed by id and former id), `load_files` and `load_bank`, the
background thread that reads and hashes the next file while this one is parsed, and the checks that
only show across files (an id given twice, a related id no card has), and that every exercise a card
names is there and complete (`bank.exercises`). The parsers are imported only
when a file is not in the cache. Every problem of every file is
collected and raised as one `BankError` whose lines read `path:line: field: message`; whatever a
file holds, loading gives a Bank or a BankError, never another exception.
"""

from __future__ import annotations

import difflib
import os
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_drill import speedups
from interview_drill.bank.cache import BankCache, Entry, Hit, worth_caching
from interview_drill.bank.discover import bank_files, decode, iter_bank_paths, read_bytes
from interview_drill.bank.exercises import check_exercises
from interview_drill.bank.messages import MAX_PROBLEMS_PER_FILE, capped, escape, format_loc
from interview_drill.domain.cards import BankFile, Card
from interview_drill.errors import BankError, Hint, UsageError

if TYPE_CHECKING:
    from interview_drill.bank.parse import ParsedFile

_MAX_HINT_POOL = 5000  # difflib is O(pool) per hint: no "did you mean" among more ids than this


@dataclass
class Bank:
    """The loaded cards of every bank, in file order, indexed by id and by former id."""

    cards: list[Card]
    topics: dict[str, str] = field(default_factory=dict)  # slug -> title
    files: list[Path] = field(default_factory=list)
    exercises: dict[str, Path] = field(default_factory=dict)  # card id -> its exercise folder

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.cards}
        self.alias_of = {a: c.id for c in self.cards for a in c.aliases}

    def get(self, card_id: str) -> Card | None:
        """A card by id, or by one of its former ids."""
        card = self.by_id.get(card_id)
        if card is None and card_id in self.alias_of:
            card = self.by_id[self.alias_of[card_id]]
        return card

    def require(self, card_id: str) -> Card:
        """A card by id or former id; an unknown id is a UsageError suggesting close matches."""
        card = self.get(card_id)
        if card is None:
            close = self.close_ids(card_id, n=6)
            more = ", …" if len(close) > 5 else ""
            raise UsageError(
                f"no card `{card_id}`" + (f"; did you mean: {', '.join(close[:5])}{more}?" if close else "")
            )
        return card

    def close_ids(self, card_id: str, n: int = 3) -> list[str]:
        """Ids that start with `card_id`, then ids that contain it, then ids spelled like it."""
        want = card_id.lower()
        ids = sorted(self.by_id, key=lambda i: (len(i), i))
        prefix = [i for i in ids if i.startswith(want)]
        inside = [i for i in ids if want in i and i not in prefix] if len(want) >= 3 else []
        if len(prefix) + len(inside) >= n:
            return (prefix + inside)[:n]
        spelled = difflib.get_close_matches(card_id, list(self.by_id), n=n, cutoff=0.5)
        return list(dict.fromkeys(prefix + inside + spelled))[:n]


def load_bank(user_paths: list[Path] | None = None, *, include_builtin: bool = True) -> Bank:
    """The built-in bank plus the user's banks, validated. Raises BankError."""
    from interview_drill.paths import builtin_bank_dir

    paths = list(iter_bank_paths(list(user_paths or []), include_builtin, builtin_bank_dir()))
    if not paths:
        raise BankError([("bank: no banks to load: ", Hint.NO_BANK_GIVEN)])
    files, problems = bank_files(paths)
    if not files and not problems:
        problems = [f"{os.pathsep.join(map(str, paths))}: bank: no .yaml files found"]
    return load_files(files, extra_problems=problems)


def load_files(files: list[Path], *, extra_problems: Iterable[str] = (), cache: bool = True) -> Bank:
    """Parse and validate files, then check ids across them. Raises BankError with every problem.

    With `cache` (and a bank big enough to gain from it), files unchanged since they were last
    validated come from `BankCache`.
    """
    problems = list(extra_problems)
    store = BankCache.default() if cache and worth_caching(files) else None
    loaded: list[_Loaded] = []
    keys: list[dict[str, Any]] = []  # of every file, when each one has a cache key
    with speedups.paused():  # millions of objects and no cycles: the GC would only rescan them
        for path, fetched in zip(files, _fetch_all(files, store), strict=True):
            entry, found = _load_file(path, store, fetched)
            problems += capped(found, path)
            if entry is not None:
                loaded.append(entry)
            if (version := fetched.version()) is not None:
                keys.append(version)
        # The checks across files depend only on the files' contents: this exact set of files (their
        # cache keys) passing them once means they pass again, so a warm start skips them.
        whole = store is not None and not problems and len(keys) == len(files)
        if not (whole and store is not None and store.passed_across(keys)):
            found = _cross_check(loaded)
            problems += found
            if whole and store is not None and not found:
                store.mark_passed_across(keys)
        exercises: dict[str, Path] = {}  # checked on every load (files beside the bank may change)
        for entry in loaded:
            if any(card.exercise for card in entry.cards):
                folders, wrong = check_exercises(entry.path, entry.cards, entry.line)
                exercises.update(folders)
                problems += capped(wrong, entry.path)
    if problems:
        raise BankError([escape(p) for p in problems])
    cards = [card for entry in loaded for card in entry.cards]
    topics: dict[str, str] = {}
    for entry in loaded:
        topics.setdefault(entry.topic, entry.title)
    return Bank(cards=cards, topics=topics, files=list(files), exercises=exercises)


# ---------------------------------------------------------------- one file


@dataclass
class _Loaded:
    """A file that loaded without problems; its line numbers are found only if a message needs one."""

    path: Path
    topic: str
    title: str
    cards: list[Card]
    parsed: ParsedFile | None = None

    def line(self, loc: tuple) -> int:
        if self.parsed is None:  # rare: a cross-file problem in a file loaded without line numbers
            from interview_drill.bank.parse import parse_file

            self.parsed = parse_file(self.path)
        return self.parsed.line(loc)


@dataclass
class _Fetched:
    """A bank file's bytes and, if a cache is in use, its cache key and the entry stored under it;
    or, when the file's stat vouched for its cache entry, the cards from it (`hit`: nothing read)."""

    raw: bytes | None
    problems: list[str]
    key: dict[str, Any] | None = None
    entry: Entry | None = None
    read_ns: int = 0  # when `raw` was read, on the system clock
    content_crc32: int = 0  # of `raw` (with a key), or of the bytes the `hit` was made from
    hit: Hit | None = None

    def version(self) -> dict[str, Any] | None:
        """What identifies the file's contents for the checks across files: key and bytes' CRC-32."""
        return None if self.key is None else {**self.key, "content_crc32": self.content_crc32}


def _fetch_all(files: list[Path], store: BankCache | None) -> Iterator[_Fetched]:
    """`_fetch` of each file, in order: first whatever the cache serves on the file's stat alone (a
    warm start: decoding in this thread, no file read), then the others read ahead (`_prefetch`)."""
    hits: dict[int, _Fetched] = {}
    if store is not None:
        for i, path in enumerate(files):
            if (found := store.lookup(path)) is not None:
                key, hit = found  # a warm start reads no bank file
                hits[i] = _Fetched(None, [], key, content_crc32=hit.content_crc32, hit=hit)
    misses = [path for i, path in enumerate(files) if i not in hits]
    if misses and worth_caching(misses):  # MBs to parse: memory freed by one file serves the next
        speedups.keep_freed_memory()
    rest = _prefetch(misses, store)
    for i in range(len(files)):
        yield hits[i] if i in hits else next(rest)


def _fetch(path: Path, store: BankCache | None) -> _Fetched:
    read_ns = time.time_ns()
    raw, stat, problems = read_bytes(path)
    if raw is None or stat is None or store is None:
        return _Fetched(raw, problems)
    key = store.key(path, stat)
    return _Fetched(raw, problems, key, store.read(key), read_ns, zlib.crc32(raw))


def _prefetch(files: list[Path], store: BankCache | None) -> Iterator[_Fetched]:
    """`_fetch` of each file in order, done one or two files ahead in a background thread.

    Reading and hashing release the GIL, so they overlap with parsing the previous file (or decoding
    its cache entry, when its stat alone could not vouch for it).
    """
    if len(files) < 2:
        yield from (_fetch(path, store) for path in files)
        return
    import queue
    import threading

    ahead: queue.Queue[_Fetched | BaseException] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def work() -> None:
        for path in files:
            if stop.is_set():
                return
            try:
                ahead.put(_fetch(path, store))
            except BaseException as exc:  # handed to the caller, which raises it
                ahead.put(exc)
                return

    worker = threading.Thread(target=work, name="bank-prefetch", daemon=True)
    worker.start()
    try:
        for _ in files:
            got = ahead.get()
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop.set()
        while worker.is_alive():  # the caller stopped early: unblock the worker so it can end
            with suppress(queue.Empty):
                ahead.get(timeout=0.05)
        worker.join()


def _load_file(path: Path, store: BankCache | None, fetched: _Fetched) -> tuple[_Loaded | None, list[str]]:
    """One file: from the cache, else the quick path, else the careful path (which gives messages)."""
    raw, key = fetched.raw, fetched.key
    if fetched.hit is not None:
        return _Loaded(path, fetched.hit.topic, fetched.hit.title, fetched.hit.cards), []
    if raw is None:
        return None, fetched.problems
    if store and key and (hit := store.get(key, fetched.entry, fetched.content_crc32)):
        return _Loaded(path, hit.topic, hit.title, hit.cards), []
    # The parsers (and PyYAML, ~10 ms to import) are needed only when the cache cannot help: a warm
    # start never imports them.
    from pydantic import ValidationError

    from interview_drill.bank.parse import parse_text, validate_file
    from interview_drill.bank.parse_fast import SLOW, quick_parse

    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    model: BankFile | None = None
    parsed = None
    data = quick_parse(text, raw)
    if data is not SLOW:
        with suppress(ValidationError):  # the careful path will say what is wrong, with lines
            model = BankFile.model_validate(data)
    if model is None:
        parsed = parse_text(text, path)
        model = validate_file(parsed)
        if model is None or parsed.problems:
            return None, parsed.problems
    if store and key:
        store.put(key, model, fetched.content_crc32, fetched.read_ns)
    return _Loaded(path, model.topic, model.title, model.cards, parsed), []


def validated_afresh(path: Path, store: BankCache | None) -> list[Card]:
    """A bank file's cards parsed and validated again, never taken from its cache entry (which `store`
    rewrites): the fallback of cached cards whose text or answer turns out damaged when first read.
    Raises BankError if the file does not load now."""
    fetched = _fetch(path, store)
    fetched.entry = b""  # the entry in the cache is the damaged one: a miss
    loaded, problems = _load_file(path, store, fetched)
    if loaded is None:
        raise BankError([escape(p) for p in capped(problems, path)])
    return loaded.cards


# ---------------------------------------------------------------- across files


def _cross_check(loaded: list[_Loaded]) -> list[str]:
    """Problems that only show across files: ids used twice, related ids that no card has."""
    found: dict[int, list[str]] = {id(entry): [] for entry in loaded}
    owner: dict[str, tuple[_Loaded, tuple]] = {}  # id or alias -> where it was first given
    given = [card.id for entry in loaded for card in entry.cards]
    given += [a for entry in loaded for card in entry.cards for a in card.aliases]
    unique = len(set(given)) == len(given)  # the usual case: no need to say where each id is given
    for entry in [] if unique else loaded:
        for i, card in enumerate(entry.cards):
            names: list[tuple[str, tuple[str | int, ...]]] = [(card.id, ("cards", i, "id"))]
            if card.aliases:
                names += [(a, ("cards", i, "aliases", j)) for j, a in enumerate(card.aliases)]
            for name, loc in names:
                if name in owner:
                    first, first_loc = owner[name]
                    found[id(entry)].append(
                        f"{entry.path}:{entry.line(loc)}: {format_loc(loc)}: id `{name}` is already used at "
                        f"{first.path}:{first.line(first_loc)}"
                    )
                else:
                    owner[name] = (entry, loc)
    known = {card.id for entry in loaded for card in entry.cards}
    pool: list[str] | None = None  # "did you mean" candidates, sorted only if a related id is unknown
    for entry in loaded:
        mine = found[id(entry)]
        for i, card in enumerate(entry.cards):
            if known.issuperset(card.related):
                continue
            for j, rel in enumerate(card.related):
                if rel not in known:
                    loc = ("cards", i, "related", j)
                    if pool is None:
                        pool = sorted(known) if len(known) <= _MAX_HINT_POOL else []
                    hint = (
                        difflib.get_close_matches(rel, pool, n=1) if len(mine) < MAX_PROBLEMS_PER_FILE else []
                    )
                    mine.append(
                        f"{entry.path}:{entry.line(loc)}: {format_loc(loc)}: unknown card id `{rel}`"
                        + (f"; did you mean `{hint[0]}`?" if hint else "")
                    )
    return [p for entry in loaded for p in capped(found[id(entry)], entry.path)]
