"""The cache of validated bank files, so a warm start neither parses nor validates.

Owns `BankCache` (one file per bank file in the user cache dir: a JSON line with its key, then the
cards in `marshal`'s binary form), its key (the bank file's resolved path, size, mtime and CRC-32,
and a fingerprint of the code that parses and validates a bank and of the Python that wrote it), the
policy of when a bank is worth caching, and rebuilding cached cards without validating them again
(`Card.from_heads`: a warm start never imports pydantic).

Why marshal: it decodes 10,000 cards ~1.5× faster than JSON, its dicts and lists straight into the
objects a model holds, with each repeated field name stored once. Its format belongs to one
Python version, which is part of the key, so another interpreter simply misses and rewrites. It is
the format of Python's own bytecode cache, and like `__pycache__` the folder is the user's own.
"""

from __future__ import annotations

import json
import marshal
import mmap
import os
import stat
import sys
import zlib
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from interview_drill.bank.messages import escape
from interview_drill.domain.cards import (
    HEAD_FIELDS,
    LATER_FIELDS,
    BankFile,
    Card,
    FollowUp,
    Number,
)
from interview_drill.errors import BankError, UsageError
from interview_drill.paths import open_regular
from interview_drill.speedups import sha256

# bump when what a cache file holds changes (2: a marshal body; 3: each card's answer apart,
# checksummed; 4: the answers after the heads, decoded in place from the entry's bytes; 5: keyed by
# the file's stat, with the CRC-32 of its bytes and when they were read; 6: plain cards, no
# pydantic; 7: the question and source apart from the head; 8: every card's text in one list; 9: the
# answers' places and CRC-32s in one table, the texts and answers checked when first read, ids
# interned)
CACHE_FORMAT = 9
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
# An entry's bytes: mapped where the system can (POSIX), else read.
Entry = bytes | mmap.mmap


def _mapped(fh: BinaryIO) -> mmap.mmap | None:
    """The open entry mapped read-only, or None (not POSIX, empty, or a file system that cannot).

    Reading 17 MB of entries into fresh memory costs ~10 ms of page faults and copying; a mapping of
    the page cache ~0.2 ms, and the cards' answers are then decoded from it in place when read. An
    entry is never written in place (always a new file, renamed over the old), so a mapping keeps
    the version it was opened on, whatever writes the cache afterwards.
    """
    if os.name != "posix" or os.fstat(fh.fileno()).st_size == 0:
        return None
    try:
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None


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
        return self.folder / (sha256(key["path"].encode()).hexdigest()[:32] + ".json")

    def read(self, key: dict[str, Any]) -> Entry | None:
        """The raw entry for the file `key` describes (not yet checked), or None."""
        try:  # a FIFO or a device planted in the cache folder is a miss, never a hang
            fh = open_regular(self._entry(key), what="a cache entry", limit=_MAX_ENTRY_BYTES)
            if fh is None:
                return None
            with fh:
                return _mapped(fh) or fh.read(_MAX_ENTRY_BYTES + 1)
        except (OSError, UsageError):
            return None

    def get(
        self, key: dict[str, Any], blob: Entry | None = None, content_crc32: int | None = None
    ) -> Hit | None:
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
            end = blob.find(b"\n")
            if end < 0 or len(blob) > _MAX_ENTRY_BYTES:
                return None
            stored = json.loads(blob[:end])
            crc, heads_len = stored.pop("heads_crc32", None), stored.pop("heads_bytes", None)
            content, read_ns = stored.pop("content_crc32", None), stored.pop("read_ns", None)
            texts_crc, texts_len = stored.pop("texts_crc32", None), stored.pop("texts_bytes", None)
            if stored != key or not all(
                isinstance(v, int) for v in (heads_len, texts_len, texts_crc, content)
            ):
                return None
            if content_crc32 is not None:
                if content_crc32 != content:
                    return None
            elif not isinstance(read_ns, int) or max(key["mtime_ns"], key["ctime_ns"]) > read_ns - RACY_NS:
                return None
            view = memoryview(blob)[end + 1 :]  # texts and answers are decoded from it in place, when read
            heads_view = view[:heads_len]
            if crc != zlib.crc32(heads_view):  # the texts and answers are checked when read (_Later)
                return None
            topic, title, heads, table = marshal.loads(heads_view)
            after = heads_len + texts_len
            later = _Later(self, key["path"], heads_view, len(heads), table)
            later.texts_blob, later.texts_crc = view[heads_len:after], texts_crc
            later.answers = view[after:]
            if int.from_bytes(table[-4:], "little") != len(later.answers):  # a torn entry
                return None
            cards = Card.from_heads(heads, later)  # a head of another shape raises: a miss
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
            heads: list[tuple[Any, ...]] = []
            texts: list[str] = []
            answers: list[bytes] = []
            table: list[int] = []  # each answer's place among those after the texts, and its CRC-32
            at = 0
            for card in model.cards:
                values, text, answer = _card_state(card)
                heads.append(values)
                texts += text
                answers.append(answer)
                table += (at, zlib.crc32(answer))
                at += len(answer)
            table.append(at)
            places = b"".join(n.to_bytes(4, "little") for n in table)
            first = marshal.dumps((model.topic, model.title, heads, places))
            second = marshal.dumps(texts)
            body = first + second + b"".join(answers)
            # A damaged entry is a miss, or, where the damage is in a text or an answer (checked when
            # first read), a fallback to the bank file: never a card that fails when read.
            head = {
                **key,
                "content_crc32": content_crc32,
                "read_ns": read_ns,
                "heads_crc32": zlib.crc32(first),
                "heads_bytes": len(first),
                "texts_crc32": zlib.crc32(second),
                "texts_bytes": len(second),
            }
            import tempfile  # only to write: a warm start never imports it (nor `random` with it)

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
        digest = sha256(json.dumps(keys, sort_keys=True).encode()).hexdigest()[:32]
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
    from interview_drill import __version__

    python = f"{sys.implementation.cache_tag}|{marshal.version}"
    digest = sha256(f"{__version__}|{CACHE_FORMAT}|{python}|".encode())
    digest.update(_module_identity("pydantic", "version.py"))  # holds its version and pydantic-core's
    digest.update(_module_identity("yaml", "__init__.py"))  # holds `__version__`
    for source in fingerprinted_sources():
        digest.update(f"\n{source.parent.name}/{source.name}\n".encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def fingerprinted_sources() -> list[Path]:
    """Every module of the bank package (found, not listed, so a new one is never left out), the card
    and the card schema."""
    from interview_drill.domain import cards

    domain = Path(cards.__file__).parent
    return sorted(Path(__file__).parent.glob("*.py")) + [domain / "cards.py", domain / "card_schema.py"]


def _module_identity(package: str, file: str) -> bytes:
    """The source of a file of an installed package that holds its version, read without importing
    the package: a warm start never validates or parses, so it never pays pydantic's ~20 ms import
    or PyYAML's ~10 ms just to learn their versions."""
    import importlib.util

    with suppress(ImportError, ValueError, OSError):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            return Path(spec.origin).with_name(file).read_bytes()
    module = importlib.import_module(package)  # an unusual install: ask the package itself
    return f"{package} {getattr(module, 'VERSION', None) or getattr(module, '__version__', '')}".encode()


# A card is stored in three parts: its head (id, topic, level, kind, tags, traps, ...) as a tuple
# in HEAD_FIELDS order, which marshal decodes in C and `Card.from_heads` unpacks into the card's slots
# (no validation: the values were validated when the entry was written); its text (question, source),
# with those of every card of the file in one list after the heads; and its answer (outline,
# numbers, follow-ups) as marshal bytes of its own after that list, found through a table of places
# and CRC-32s stored with the heads. Loading decodes only the heads (the traps stay there: the
# figures count them) and checks only their CRC-32 (the answers are ~2/3 of an entry's bytes). The
# first read of a question decodes the file's texts at once (a report lists thousands of questions;
# one marshal call is ~5x cheaper than one per card), the first read of an answer that card's answer,
# so a command over 10,000 cards that shows a few of them (stats, a report, the drill) never decodes
# the rest. tests/bank/test_bank_cache.py and test_bank_lazy.py check that a rebuilt card equals the
# validated one in every respect.

# Head values that repeat from card to card. Stored as one shared (interned) string each, marshal
# writes every repeat as a back-reference, so a warm load makes one object for all of them. Ids are
# interned too: marshal interns them again when it reads them, so a related id is the very string of
# the card it names, whichever file that card is in (not a second copy).
_SHARED = ("id", "topic", "seniority", "frequency", "kind")
_SHARED_LISTS = ("tags", "related")


def _card_state(card: Card) -> tuple[tuple[Any, ...], tuple[str, str], bytes]:
    """A card's head (the values of HEAD_FIELDS, in order), its text and its answer's bytes."""
    values = {name: getattr(card, name) for name in HEAD_FIELDS}
    intern = sys.intern
    for name in _SHARED:
        values[name] = intern(values[name])
    for name in _SHARED_LISTS:
        values[name] = list(map(intern, values[name]))
    answer = (card.outline, list(map(tuple, card.numbers)), list(map(tuple, card.follow_ups)))
    return tuple(values.values()), (card.question, card.source), marshal.dumps(answer)


class _Later:
    """The texts and answers of one entry's cards, read when a card asks (`domain.cards.Later`).

    The heads' CRC-32 vouched for the table; a text or an answer is checked when first read (the
    texts all at once, an answer on its own). Should one be damaged, the bank file is validated
    again (`load.validated_afresh`, which also rewrites the entry) and the cards get their fields
    from it: a damaged entry never makes a card that fails when read.
    """

    __slots__ = (
        "store",
        "path",
        "heads",
        "count",
        "table",
        "texts_blob",
        "texts_crc",
        "texts",
        "answers",
        "fresh",
    )

    def __init__(self, store: BankCache, path: str, heads: memoryview, count: int, table: bytes) -> None:
        if type(table) is not bytes or len(table) != 8 * count + 4:
            raise ValueError("not a cached bank file")
        self.store, self.path, self.heads, self.count, self.table = store, path, heads, count, table
        self.texts_blob: memoryview | None = None  # the texts' bytes, until decoded
        self.texts_crc = 0
        self.texts: list[str] | None = None  # question and source of each card in turn, once read
        self.answers = memoryview(b"")  # what the places in `table` count from
        self.fresh: list[tuple[str, Card | None]] | None = None  # each card's id and fresh self

    def text(self, at: int, name: str) -> str:
        texts = self.texts if self.texts is not None else self._read_texts()
        return texts[2 * at + (name == "source")]

    def fields(self, at: int) -> dict[str, Any]:
        texts = self.texts if self.texts is not None else self._read_texts()
        table, o = self.table, 8 * at
        start = int.from_bytes(table[o : o + 4], "little")
        end = int.from_bytes(table[o + 8 : o + 12], "little")
        answer = self.answers[start:end]
        decoded = None
        if start <= end and zlib.crc32(answer) == int.from_bytes(table[o + 4 : o + 8], "little"):
            # The CRC-32 vouched for the bytes, the code that wrote them for their shape; `decoded`
            # is set only once they unpack into the answer's three parts.
            with suppress(Exception):
                outline, numbers, follow_ups = decoded = marshal.loads(answer)
        if decoded is None:  # damaged: the card as the bank file gives it now
            fresh = self._fresh(at)
            return {name: getattr(fresh, name) for name in LATER_FIELDS}
        return {
            "question": texts[2 * at],
            "source": texts[2 * at + 1],
            "outline": outline,
            "numbers": list(map(Number._make, numbers)),
            "follow_ups": list(map(FollowUp._make, follow_ups)),
        }

    def _read_texts(self) -> list[str]:
        blob, self.texts_blob = self.texts_blob, None
        texts = None
        if blob is not None and zlib.crc32(blob) == self.texts_crc:
            with suppress(Exception):  # vouched for as the answers are (see `fields`)
                texts = marshal.loads(blob)
        if type(texts) is not list or len(texts) != 2 * self.count:
            texts = []
            for at in range(self.count):
                fresh = self._fresh(at)
                texts += (fresh.question, fresh.source)
        self.texts = texts
        return texts

    def _fresh(self, at: int) -> Card:
        """Card `at` as the bank file gives it now (validated again): the fallback of a damaged entry."""
        if self.fresh is None:
            from interview_drill.bank.load import validated_afresh

            by_id = {card.id: card for card in validated_afresh(Path(self.path), self.store)}
            ids = [head[0] for head in marshal.loads(self.heads)[2]]  # vouched for by their CRC-32
            self.fresh = [(card_id, by_id.get(card_id)) for card_id in ids]
        card_id, card = self.fresh[at]
        if card is None:  # the file changed since it was loaded, and this card is gone
            raise BankError(
                [escape(f"{self.path}: bank: card `{card_id}` is no longer in this file; run again")]
            )
        return card
