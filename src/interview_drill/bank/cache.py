"""The cache of validated bank files, so a warm start neither parses nor validates.

Owns `BankCache` (one file per bank file in the user cache dir: a JSON line with its key, then the
cards in `marshal`'s binary form), its key (the bank file's resolved path, size, mtime and CRC-32,
and a fingerprint of the code that parses and validates a bank and of the Python that wrote it), the
policy of when a bank is worth caching, and rebuilding cached cards into pydantic models without
validating them again (through `speedups.model_builder`).

Why marshal: it decodes 10,000 cards ~1.5× faster than JSON, its dicts and lists straight into the
objects a model holds, with each repeated field name stored once. Its format belongs to one
Python version, which is part of the key, so another interpreter simply misses and rewrites. It is
the format of Python's own bytecode cache, and like `__pycache__` the folder is the user's own.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import sys
import tempfile
import zlib
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from interview_drill import speedups
from interview_drill.domain.cards import BankFile, Card, FollowUp, Number
from interview_drill.errors import UsageError
from interview_drill.paths import read_regular

# bump when what a cache file holds changes (2: a marshal body; 3: each card's answer apart,
# checksummed; 4: the answers after the heads, decoded in place from the entry's bytes; 5: keyed by
# the file's stat, with the CRC-32 of its bytes and when they were read)
CACHE_FORMAT = 5
# Below this many bytes in all, a bank loads in a few milliseconds: caching it would gain nothing and
# leave a cache entry behind for every small file someone validates once.
CACHE_MIN_BYTES = 128 * 1024


def worth_caching(files: Iterable[Path]) -> bool:
    """Whether files this big in all gain from the cache (at least CACHE_MIN_BYTES)."""
    total = 0
    for path in files:
        with suppress(OSError):
            total += path.stat().st_size
    return total >= CACHE_MIN_BYTES


_MAX_ENTRY_BYTES = 512 * 1024 * 1024  # far above any entry of a 5 MB bank file
# A file written this shortly before it was read might be written again without changing its stat
# (file clocks tick in jiffies, FAT's in 2 s): such an entry is trusted only after a look at the bytes.
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class Hit:
    """A bank file's cards from the cache, and the CRC-32 of the bytes they were read from."""

    topic: str
    title: str
    cards: list[Card]
    content_crc32: int


class BankCache:
    """Validated cards of bank files, one JSON file per bank file, in the user cache dir.

    An entry is used only if the bank file's resolved path, size, mtime and CRC-32 and the code that
    validated it (package version, cache format, the sources of the bank package and the card model)
    all match, so a stale entry is never used. Reading never fails (a corrupt or unreadable entry is a
    miss, rewritten after the file is validated again); writing is atomic and never fails (a read-only
    cache dir just means no cache).
    """

    def __init__(self, folder: Path):
        self.folder = folder

    @classmethod
    def default(cls) -> BankCache:
        from interview_drill.paths import cache_dir

        return cls(cache_dir() / "banks")

    def key(self, path: Path, st: os.stat_result) -> dict[str, Any]:
        """What identifies one version of a bank file: its path and what `stat` says of it (as git's
        index does); see `get` for the one case where the stat alone cannot tell."""
        return {
            "path": str(path.resolve()),
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "ctime_ns": st.st_ctime_ns,  # changes on every write; no tool can set it back
            "ino": st.st_ino,
            "dev": st.st_dev,
            "code": code_fingerprint(),
        }

    def lookup(self, path: Path) -> tuple[dict[str, Any], Hit] | None:
        """(key, cards) of a bank file straight from its entry, without reading the file, when its
        `stat` vouches that it is the version the entry was made from; else None (read it)."""
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None  # the reader says what is wrong with it
        key = self.key(path, st)
        blob = self.read(key)
        hit = self.get(key, blob) if blob is not None else None
        return (key, hit) if hit is not None else None

    def _entry(self, key: dict[str, Any]) -> Path:
        return self.folder / (hashlib.sha256(key["path"].encode()).hexdigest()[:32] + ".json")

    def read(self, key: dict[str, Any]) -> bytes | None:
        """The raw entry for the file `key` describes (not yet checked), or None."""
        try:  # a FIFO or a device planted in the cache folder is a miss, never a hang
            return read_regular(self._entry(key), what="a cache entry", limit=_MAX_ENTRY_BYTES)
        except (OSError, UsageError):
            return None

    def get(self, key: dict[str, Any], blob: bytes | None = None, content_crc32: int | None = None) -> Hit | None:
        """The cards of the file `key` describes, or None. `blob`: what `read` gave.

        `content_crc32`: the CRC-32 of the file's bytes, when they were read: they must be the ones
        the entry was made from. Without it the key alone must vouch for the file, which it does unless the file was
        written less than RACY_NS before it was read for the entry: a second write within one tick of
        a coarse file clock could keep every field of the stat (git calls such entries racy).
        """
        try:
            blob = self.read(key) if blob is None else blob
            if blob is None:
                return None
            end = blob.index(b"\n")
            stored = json.loads(blob[:end])
            crc, heads_len = stored.pop("body_crc32", None), stored.pop("heads_bytes", None)
            content, read_ns = stored.pop("content_crc32", None), stored.pop("read_ns", None)
            if stored != key or not isinstance(heads_len, int) or not isinstance(content, int):
                return None
            if content_crc32 is not None:
                if content_crc32 != content:
                    return None
            elif not isinstance(read_ns, int) or max(key["mtime_ns"], key["ctime_ns"]) > read_ns - RACY_NS:
                return None
            view = memoryview(blob)[end + 1 :]  # the answers are decoded from it in place, when read
            if crc != zlib.crc32(view):
                return None
            topic, title, states = marshal.loads(view[:heads_len])
            cards = _cards_from_states(states, view[heads_len:])
            if not (isinstance(topic, str) and isinstance(title, str) and cards):
                return None
            return Hit(topic, title, cards, content)
        except Exception:  # missing, unreadable, corrupt or from another version: a miss
            return None

    def put(self, key: dict[str, Any], model: BankFile, content_crc32: int, read_ns: int) -> None:
        """Keep a validated file's cards (`content_crc32`: of the bytes read at `read_ns` on the system
        clock); silently does nothing if the cache dir cannot be written."""
        tmp = None
        try:
            heads, answers, at = [], [], 0
            for card in model.cards:  # each answer: where it lies among the answers that follow the heads
                values, unset, answer = _card_state(card)
                heads.append((values, unset, at, at + len(answer)))
                answers.append(answer)
                at += len(answer)
            first = marshal.dumps((model.topic, model.title, heads))
            body = first + b"".join(answers)
            # A damaged entry is a miss, never a card that fails when its answer is read later.
            head = {
                **key,
                "content_crc32": content_crc32,
                "read_ns": read_ns,
                "body_crc32": zlib.crc32(body),
                "heads_bytes": len(first),
            }
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.folder, prefix=".tmp-", delete=False) as f:
                tmp = f.name
                f.write(json.dumps(head).encode() + b"\n" + body)
            os.replace(tmp, self._entry(key))
            tmp = None
        except (OSError, ValueError, TypeError):
            pass
        finally:
            if tmp is not None:
                with suppress(OSError):
                    os.unlink(tmp)


    def _verdict(self, keys: list[dict[str, Any]]) -> Path:
        digest = hashlib.sha256(json.dumps(keys, sort_keys=True).encode()).hexdigest()[:32]
        # beside the entries, not among them: one empty file per set of files that passed
        return self.folder.with_name(self.folder.name + "-across") / f"{digest}.ok"

    def passed_across(self, keys: list[dict[str, Any]]) -> bool:
        """Whether these files, exactly (their keys, in this order), passed the checks across files."""
        return self._verdict(keys).is_file()

    def mark_passed_across(self, keys: list[dict[str, Any]]) -> None:
        """Remember that these files passed the checks across files; never fails."""
        with suppress(OSError):
            verdict = self._verdict(keys)
            verdict.parent.mkdir(parents=True, exist_ok=True)
            verdict.touch()


@cache
def code_fingerprint() -> str:
    """Changes whenever the code that parses and validates a bank might (also in a source checkout).

    Hashes the source of every module of the bank package and of the card model, so moving or
    editing any of them invalidates every entry, and the versions of what they rely on.
    """
    import pydantic

    from interview_drill import __version__

    python = f"{sys.implementation.cache_tag}|{marshal.version}"
    digest = hashlib.sha256(f"{__version__}|{CACHE_FORMAT}|{pydantic.VERSION}|{python}|".encode())
    digest.update(_pyyaml_identity())
    for source in fingerprinted_sources():
        digest.update(f"\n{source.parent.name}/{source.name}\n".encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def fingerprinted_sources() -> list[Path]:
    """Every module of the bank package (found, not listed, so a new one is never left out) and the card model."""
    from interview_drill.domain import cards as models

    return sorted(Path(__file__).parent.glob("*.py")) + [Path(models.__file__)]


def _pyyaml_identity() -> bytes:
    """PyYAML's `__init__.py` (it holds `__version__`), read without importing PyYAML.

    A warm start never parses, so it never pays PyYAML's ~10 ms import just to learn its version.
    """
    import importlib.util

    with suppress(ImportError, ValueError, OSError):
        spec = importlib.util.find_spec("yaml")
        if spec is not None and spec.origin:
            return Path(spec.origin).read_bytes()
    import yaml  # an unusual install: ask the module itself

    return f"PyYAML {yaml.__version__}".encode()


# A model is stored as (its fields as a dict, names of unset fields) and rebuilt without validation
# (the values were validated when the entry was written), by `speedups.model_builder`: marshal
# decodes the dicts in C, faster than building them from tuples in Python.
#
# A card is stored in two parts: its head (every field but the answer: id, topic, question, level,
# kind, tags, aliases, traps, ...), and its answer (`TEXT_FIELDS`) as marshal bytes of their own.
# Loading decodes only the heads; a card's answer is decoded the first time anything reads it
# (`speedups.lazy_model_builder`), so a command over 10,000 cards that shows a few of them (stats, a
# report, the drill) never decodes the rest. With the speedups off, every text is decoded at once.
# tests/bank/test_bank_cache.py checks that a rebuilt card equals the validated one in every respect.
# The question and the traps stay in the head: they are short, and reports list them for many cards
# (the traps fallen for, the weakest cards); the answer's parts are what only a shown card needs.
TEXT_FIELDS = frozenset({"outline", "numbers", "follow_ups"})
_ORDER = {cls: tuple(cls.model_fields) for cls in (Card, Number, FollowUp)}  # dumps follow dict order
_NAMES = {cls: frozenset(names) for cls, names in _ORDER.items()}
_HEAD_NAMES = _NAMES[Card] - TEXT_FIELDS
_BUILDERS: dict[type, Any] = {}
_LAZY: list[Any] = []  # [the lazy card builder, or None when the trick is off], made on first use


def _model_state(model: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    cls, fields = type(model), model.__dict__
    names = _NAMES[cls]
    # A validated model's dict holds its fields in their order: copied whole, in C (45,000 models in
    # a 10,000-card file set); anything else in it (a cached property's value) is left out.
    values = dict(fields) if fields.keys() == names else {name: fields[name] for name in _ORDER[cls]}
    unset = names - model.model_fields_set
    return values, tuple(sorted(unset)) if unset else ()


# Head values that repeat from card to card. Stored as one shared (interned) string each, marshal
# writes every repeat as a back-reference, so a warm load makes one object for all of them.
_SHARED = ("topic", "seniority", "frequency", "kind")
_SHARED_LISTS = ("tags", "related")


def _card_state(card: Card) -> tuple[dict[str, Any], tuple[str, ...], bytes]:
    values, unset = _model_state(card)
    for name in _SHARED:
        values[name] = sys.intern(values[name])
    for name in _SHARED_LISTS:
        values[name] = [sys.intern(v) for v in values[name]]
    text = {name: values.pop(name) for name in TEXT_FIELDS}
    text["numbers"] = [_model_state(n) for n in card.numbers]
    text["follow_ups"] = [_model_state(f) for f in card.follow_ups]
    return values, unset, marshal.dumps(text)


def _builder(cls: type[Card] | type[Number] | type[FollowUp]) -> Any:
    return _BUILDERS.get(cls) or _BUILDERS.setdefault(cls, speedups.model_builder(cls))


def _nested(cls: type[Number] | type[FollowUp], states: list[Any]) -> list[Any]:
    build, names = _builder(cls), _NAMES[cls]
    out = []
    for values, unset in states:
        if values.keys() != names:
            raise ValueError("not a cached model")
        out.append(build(values, set(names.difference(unset) if unset else names)))
    return out


def _fill_text(values: dict[str, Any], blob: bytes | memoryview) -> dict[str, Any]:
    """A card's whole field dict: its head `values` and its text decoded from `blob` (which the
    checksum of the entry vouched for), in the model's field order (`model_dump_json` follows it),
    then whatever else `values` holds. A field already in `values` (set by an assignment before the
    text was read) is kept."""
    text = marshal.loads(blob)
    if text.keys() != TEXT_FIELDS:
        raise ValueError("not a cached card text")
    text["numbers"] = _nested(Number, text["numbers"])
    text["follow_ups"] = _nested(FollowUp, text["follow_ups"])
    text.update(values)
    whole = {name: text[name] for name in _ORDER[Card]}
    whole.update(text)
    return whole


def _cards_from_states(states: list[Any], answers: memoryview) -> list[Card]:
    """The cards of an entry: `states` are their heads, each with the span of its answer in `answers`."""
    if not _LAZY:
        _LAZY.append(speedups.lazy_model_builder(Card, _fill_text))
    lazy = _LAZY[0]
    names = _NAMES[Card]
    cards: list[Card] = []
    size = len(answers)
    for values, unset, start, end in states:
        if values.keys() != _HEAD_NAMES or not (isinstance(start, int) and isinstance(end, int)):
            raise ValueError("not a cached card")
        if not 0 <= start <= end <= size:
            raise ValueError("not a cached card")
        blob = answers[start:end]
        fields_set = set(names.difference(unset) if unset else names)
        if lazy is None:
            card: Card = _builder(Card)(_fill_text(values, blob), fields_set)
        else:
            card = lazy(values, fields_set, blob)
        cards.append(card)
    return cards
