"""The cache of validated bank files, so a warm start neither parses nor validates.

Owns `BankCache` (one file per bank file in the user cache dir: a JSON line with its key, then the
cards in `marshal`'s binary form), its key (the bank file's resolved path, size, mtime and SHA-256,
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
import sys
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from interview_drill import speedups
from interview_drill.domain.cards import BankFile, Card, FollowUp, Number
from interview_drill.errors import UsageError
from interview_drill.paths import read_regular

CACHE_FORMAT = 2  # bump when what a cache file holds changes (2: a marshal body)
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


class BankCache:
    """Validated cards of bank files, one JSON file per bank file, in the user cache dir.

    An entry is used only if the bank file's resolved path, size, mtime and SHA-256 and the code that
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

    def key(self, path: Path, raw: bytes, mtime_ns: int) -> dict[str, Any]:
        return {
            "path": str(path.resolve()),
            "size": len(raw),
            "mtime_ns": mtime_ns,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "code": code_fingerprint(),
        }

    def _entry(self, key: dict[str, Any]) -> Path:
        return self.folder / (hashlib.sha256(key["path"].encode()).hexdigest()[:32] + ".json")

    def read(self, key: dict[str, Any]) -> bytes | None:
        """The raw entry for the file `key` describes (not yet checked), or None."""
        try:  # a FIFO or a device planted in the cache folder is a miss, never a hang
            return read_regular(self._entry(key), what="a cache entry", limit=_MAX_ENTRY_BYTES)
        except (OSError, UsageError):
            return None

    def get(self, key: dict[str, Any], blob: bytes | None = None) -> tuple[str, str, list[Card]] | None:
        """(topic, title, cards) of the file `key` describes, or None. `blob`: what `read` gave."""
        try:
            blob = self.read(key) if blob is None else blob
            if blob is None:
                return None
            head, _, body = blob.partition(b"\n")
            if json.loads(head) != key:
                return None
            topic, title, states = marshal.loads(body)
            cards = [_card_from_state(state) for state in states]
            if not (isinstance(topic, str) and isinstance(title, str) and cards):
                return None
            return topic, title, cards
        except Exception:  # missing, unreadable, corrupt or from another version: a miss
            return None

    def put(self, key: dict[str, Any], model: BankFile) -> None:
        """Keep a validated file's cards; silently does nothing if the cache dir cannot be written."""
        tmp = None
        try:
            body = marshal.dumps((model.topic, model.title, [_card_state(c) for c in model.cards]))
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.folder, prefix=".tmp-", delete=False) as f:
                tmp = f.name
                f.write(json.dumps(key).encode() + b"\n" + body)
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
# tests/test_bank_cache.py checks that a rebuilt card equals the validated one in every respect.
_NAMES = {cls: frozenset(cls.model_fields) for cls in (Card, Number, FollowUp)}
_BUILDERS: dict[type, Any] = {}


def _model_state(model: Any, **values: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    names = _NAMES[type(model)]
    fields = {name: model.__dict__[name] for name in names}
    return fields | values, tuple(sorted(names - model.model_fields_set))


def _card_state(card: Card) -> tuple[dict[str, Any], tuple[str, ...]]:
    return _model_state(
        card,
        numbers=[_model_state(n) for n in card.numbers],
        follow_ups=[_model_state(f) for f in card.follow_ups],
    )


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


def _card_from_state(state: tuple[dict[str, Any], tuple[str, ...]]) -> Card:
    values, unset = state
    names = _NAMES[Card]
    if values.keys() != names:
        raise ValueError("not a cached model")
    values["numbers"] = _nested(Number, values["numbers"])
    values["follow_ups"] = _nested(FollowUp, values["follow_ups"])
    built: Card = _builder(Card)(values, set(names.difference(unset) if unset else names))
    return built
