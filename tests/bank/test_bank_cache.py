"""The loader's two shortcuts: the quick parse (no line numbers) and the cache of validated files.

Both must be invisible: a bank loads to exactly the same cards, and a bad bank gives exactly the
same problem lines, whether or not a shortcut was taken. A stale or damaged cache is never used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_drill.bank import BankCache, load_files
from interview_drill.bank import cache as cache_module
from interview_drill.bank import parse as parse_module
from interview_drill.bank import parse_fast as parse_fast_module
from interview_drill.bank.parse import parse_text
from interview_drill.bank.parse_fast import SLOW, quick_parse
from interview_drill.domain.cards import Card
from interview_drill.errors import BankError
from interview_drill.paths import builtin_bank_dir

from ..bank.test_bank_fuzz import TOKENS, banks
from ..conftest import DATA, SAMPLE_BANK

BAD = DATA / "bad_banks"
CARD = """  - id: {id}
    question: What is {id}?
    outline:
      - "a point about {id}"
    numbers:
      - figure: 8
        about: the rank
    follow_ups:
      - And then?
      - question: Why?
        answer: Because.
    related: [{related}]
"""


@pytest.fixture
def cache_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache every bank, however small (the tests' banks are tiny)."""
    monkeypatch.setattr(cache_module, "CACHE_MIN_BYTES", 0)


def cache_dir(isolated_home: Path) -> Path:
    return isolated_home / "cache" / "banks"


def write_bank(path: Path, topic: str, ids: list[str], related: str | None = None) -> Path:
    body = "".join(CARD.format(id=i, related=related or ids[0]) for i in ids)
    path.write_text(f"topic: {topic}\ntitle: The {topic} bank\ncards:\n{body}", encoding="utf-8")
    return path


def snapshot(bank) -> list[tuple]:
    """Everything a card is, as far as the rest of the program can tell."""
    return [
        (
            c,
            c.model_dump(),
            c.to_json(),
            c.topic,
            c.content_hash,
            repr(c),
            [(type(n), n) for n in [*c.numbers, *c.follow_ups]],
        )
        for c in bank.cards
    ]


def problems(files: list[Path], **kw) -> list[str]:
    with pytest.raises(BankError) as info:
        load_files(files, **kw)
    return info.value.problems


# ---------------------------------------------------------------- the quick parse


def careful(text: str, path: Path = Path("bank.yaml")):
    parsed = parse_text(text, path)
    return parsed.data, parsed.problems


@pytest.mark.parametrize(
    "path", sorted(builtin_bank_dir().glob("*.yaml")) + sorted(SAMPLE_BANK.glob("*.yaml"))
)
def test_real_banks_take_the_quick_path_and_read_the_same(path: Path):
    text = path.read_text(encoding="utf-8")
    quick = quick_parse(text)
    assert quick is not SLOW
    assert careful(text, path) == (quick, [])


@pytest.mark.parametrize("path", sorted(p for p in BAD.rglob("*.yaml") if p.name != "expected.yaml"))
def test_hostile_files_are_left_to_the_careful_path(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, ValueError):
        return  # refused before parsing
    quick = quick_parse(text)
    if quick is not SLOW:  # only a file the careful path reads without a word may pass
        assert careful(text, path) == (quick, [])


SOUND = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def check_sound(text: str) -> None:
    """Whenever the quick parse returns data, the careful one gives the same data and no problem."""
    quick = quick_parse(text)
    if quick is SLOW:
        return
    assert careful(text) == (quick, [])


@SOUND
@given(parts=st.lists(st.sampled_from(TOKENS), max_size=60))
def test_quick_parse_is_sound_on_token_soup(parts: list[str]):
    check_sound("".join(parts))


@SOUND
@given(data=banks(), flow=st.booleans())
def test_quick_parse_is_sound_on_plausible_banks(data, flow: bool):
    check_sound(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False))


@pytest.mark.parametrize(
    "text",
    [
        "topic: t\ntopic: u\n",  # duplicate key
        "a: &x 1\nb: *x\n",  # anchor, alias
        "a: !!str 1\n",  # explicit tag
        "a: yes\n",  # YAML 1.1 boolean
        "a: 1:30\n",  # sexagesimal
        "<<: {a: 1}\n",  # merge key
        "? [a]\n: 1\n",  # complex key
        "a: 1\n---\nb: 2\n",  # second document
        "- a\n",  # not a mapping
        "a: [" * 30 + "]" * 30 + "\n",  # deep
        "a: b: c\n",  # syntax error
        "",  # empty
    ],
)
def test_anything_unusual_goes_the_careful_way(text: str):
    assert quick_parse(text) is SLOW


# ---------------------------------------------------------------- the cache


def test_a_warm_load_gives_exactly_the_cards_of_a_cold_one(cache_all, isolated_home: Path, tmp_path: Path):
    files = sorted(SAMPLE_BANK.glob("*.yaml")) + sorted(builtin_bank_dir().glob("*.yaml"))
    uncached = load_files(files, cache=False)
    assert not cache_dir(isolated_home).exists()
    cold = load_files(files)
    entries = sorted(cache_dir(isolated_home).iterdir())
    assert len(entries) == len(files)
    warm = load_files(files)
    assert sorted(cache_dir(isolated_home).iterdir()) == entries
    assert snapshot(warm) == snapshot(cold) == snapshot(uncached)
    assert warm.topics == uncached.topics and warm.files == uncached.files
    assert warm.by_id.keys() == uncached.by_id.keys() and warm.alias_of == uncached.alias_of


def test_cached_cards_are_ordinary_cards(cache_all):
    load_files([SAMPLE_BANK / "lora.yaml"])
    card = load_files([SAMPLE_BANK / "lora.yaml"]).cards[0]
    fresh = load_files([SAMPLE_BANK / "lora.yaml"], cache=False).cards[0]
    assert type(card) is type(fresh) is Card
    card.source = "changed"
    assert card != fresh
    card.source = fresh.source
    assert card == fresh


def test_the_cache_is_really_used(cache_all, monkeypatch: pytest.MonkeyPatch):
    files = sorted(SAMPLE_BANK.glob("*.yaml"))
    expected = snapshot(load_files(files))

    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed although the cache is warm")

    monkeypatch.setattr(parse_fast_module, "quick_parse", no_parsing)
    monkeypatch.setattr(parse_module, "parse_text", no_parsing)
    assert snapshot(load_files(files)) == expected


def test_an_edit_that_keeps_size_and_mtime_is_seen(cache_all, tmp_path: Path):
    path = write_bank(tmp_path / "t.yaml", "t", ["card-aaa", "card-bbb"])
    assert [c.id for c in load_files([path]).cards] == ["card-aaa", "card-bbb"]
    stat = path.stat()
    path.write_text(path.read_text().replace("card-bbb", "card-ccc"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert [c.id for c in load_files([path]).cards] == ["card-aaa", "card-ccc"]


def test_an_edit_that_breaks_the_file_is_reported_not_served_from_the_cache(cache_all, tmp_path: Path):
    path = write_bank(tmp_path / "t.yaml", "t", ["card-aaa"])
    load_files([path])
    with path.open("a", encoding="utf-8") as f:
        f.write("    seniority: junior\n")
    reported = problems([path])
    assert reported == problems([path], cache=False)
    assert reported[0].startswith(f"{path}:16: cards[0].seniority: must be one of")


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"",
        lambda raw: b"\x00\xff garbage",
        lambda raw: raw[: len(raw) // 2],  # torn write
        lambda raw: raw.split(b"\n", 1)[0] + b"\n{}",  # right key, wrong body
        lambda raw: raw.split(b"\n", 1)[0] + b'\n{"topic": "t", "title": "x", "cards": [[{"id": 1}, []]]}',
        lambda raw: raw.replace(b'"mtime_ns": ', b'"mtime_ns": 1', 1),  # another version's entry
    ],
)
def test_a_damaged_cache_entry_is_ignored_and_rewritten(
    cache_all, isolated_home: Path, tmp_path: Path, damage
):
    path = write_bank(tmp_path / "t.yaml", "t", ["card-aaa"])
    expected = snapshot(load_files([path]))
    [entry] = cache_dir(isolated_home).iterdir()
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert snapshot(load_files([path])) == expected
    assert without_read_time(entry.read_bytes()) == without_read_time(good)  # rewritten as it was


def without_read_time(entry: bytes) -> tuple[dict, bytes]:
    head, _, body = entry.partition(b"\n")
    fields = json.loads(head)
    assert isinstance(fields.pop("read_ns"), int)
    return fields, body


def test_an_entry_from_other_code_is_not_used(cache_all, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write_bank(tmp_path / "t.yaml", "t", ["card-aaa"])
    load_files([path])
    store = BankCache.default()
    raw = path.read_bytes()
    key = store.key(path, path.stat())
    assert store.get(key, content_crc32=zlib.crc32(raw)) is not None
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "a newer interview-drill")
    assert store.get(store.key(path, path.stat()), content_crc32=zlib.crc32(raw)) is None


def test_a_file_its_stat_vouches_for_is_not_read(cache_all, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from interview_drill.bank import load as load_module

    files = [write_bank(tmp_path / "t.yaml", "t", ["card-aaa", "card-bbb"])]
    expected = snapshot(load_files(files, cache=False))
    load_files(files)  # writes the entry
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # as if the file had been written long ago

    def no_reading(path: Path):
        raise AssertionError(f"read {path} although its stat vouches for the cache entry")

    monkeypatch.setattr(load_module, "read_bytes", no_reading)
    assert snapshot(load_files(files)) == expected


def test_an_entry_of_a_file_written_just_before_it_was_read_is_checked_against_the_bytes(
    cache_all, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A second write within one tick of a coarse file clock may leave the stat as it was (git's
    "racy" entries): such an entry serves the cards only if the bytes are the ones it was made from."""
    path = write_bank(tmp_path / "t.yaml", "t", ["card-aaa"])
    load_files([path])  # the file was written a moment before it was read: racy
    store = BankCache.default()
    key = store.key(path, path.stat())
    blob = store.read(key)
    assert blob is not None
    assert store.get(key, blob) is None  # the stat alone does not vouch for it
    assert store.get(key, blob, content_crc32=zlib.crc32(path.read_bytes())) is not None
    changed = path.read_bytes().replace(b"card-aaa", b"card-zzz")
    assert store.get(key, blob, content_crc32=zlib.crc32(changed)) is None  # same stat, other bytes: a miss
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    assert store.get(key, blob) is not None  # written long before it was read: the stat vouches


def test_the_code_fingerprint_covers_every_parsing_and_validating_module():
    import interview_drill.bank
    import interview_drill.domain.cards

    package = Path(interview_drill.bank.__file__).parent
    expected = {p.name for p in package.glob("*.py")}
    assert {"parse.py", "parse_fast.py", "messages.py", "load.py", "yaml_rules.py"} <= expected
    sources = cache_module.fingerprinted_sources()
    assert {p.name for p in sources if p.parent == package} == expected
    assert Path(interview_drill.domain.cards.__file__) in sources


def test_a_cache_dir_that_cannot_be_written_just_means_no_cache(
    cache_all, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("IDRILL_CACHE_DIR", str(blocker))
    files = sorted(SAMPLE_BANK.glob("*.yaml"))
    expected = snapshot(load_files(files, cache=False))
    for _ in range(2):
        assert snapshot(load_files(files)) == expected
    assert blocker.read_text() == "a file where the cache folder should be"


def test_writes_are_atomic_and_leave_no_temporary_files(
    cache_all, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
):
    files = sorted(SAMPLE_BANK.glob("*.yaml"))
    real_replace = os.replace

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cache_module.os, "replace", crash)
    load_files(files)  # every write fails: nothing is left behind, and nothing is an error
    assert list(cache_dir(isolated_home).iterdir()) == []
    monkeypatch.setattr(cache_module.os, "replace", real_replace)
    load_files(files)
    assert all(not p.name.startswith(".tmp-") for p in cache_dir(isolated_home).iterdir())
    assert len(list(cache_dir(isolated_home).iterdir())) == len(files)


def test_cross_file_checks_run_on_cached_files_with_their_lines(cache_all, tmp_path: Path):
    one = write_bank(tmp_path / "one.yaml", "one", ["card-aaa", "card-bbb"], related="card-zzz")
    two = write_bank(tmp_path / "two.yaml", "two", ["card-zzz", "card-bbb"])
    unknown = [
        f"{one}:15: cards[0].related[0]: unknown card id `card-zzz`; did you mean `card-bbb`?",
        f"{one}:27: cards[1].related[0]: unknown card id `card-zzz`; did you mean `card-bbb`?",
    ]
    duplicate = [f"{two}:16: cards[1].id: id `card-bbb` is already used at {one}:16"]
    assert problems([one], cache=False) == unknown
    assert problems([one, two], cache=False) == duplicate
    problems([one])  # each file passes on its own, so each is cached, though the bank fails
    load_files([two])
    assert len(list(BankCache.default().folder.iterdir())) == 2
    assert problems([one]) == unknown
    assert problems([one, two]) == duplicate


def test_small_banks_are_not_cached(isolated_home: Path):
    load_files(sorted(SAMPLE_BANK.glob("*.yaml")))
    assert not (isolated_home / "cache").exists()


def test_a_big_enough_bank_is_cached_by_default(isolated_home: Path, tmp_path: Path):
    folder = tmp_path / "bank"
    shutil.copytree(builtin_bank_dir(), folder)
    files = sorted(folder.glob("*.yaml"))
    assert sum(p.stat().st_size for p in files) >= cache_module.CACHE_MIN_BYTES
    load_files(files)
    entries = list(cache_dir(isolated_home).iterdir())
    assert len(entries) == len(files)
    head = json.loads(entries[0].read_bytes().split(b"\n", 1)[0])
    assert set(head) == {
        "path", "size", "mtime_ns", "ctime_ns", "ino", "dev", "code", "content_crc32", "read_ns", "heads_crc32",
        "heads_bytes", "texts_crc32", "texts_bytes",
    }  # fmt: skip


def test_a_warm_start_does_not_import_the_parsers_or_the_validation(isolated_home: Path, tmp_path: Path):
    """PyYAML and both parsers cost a warm start ~10 ms to import, pydantic and the card schema ~45 ms,
    for nothing: the cache answers (and a card's answer read from it needs neither)."""
    folder = tmp_path / "bank"
    shutil.copytree(builtin_bank_dir(), folder)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from interview_drill.bank import load_files\n"
        f"cards = load_files(sorted(Path({str(folder)!r}).glob('*.yaml'))).cards\n"
        "assert all(c.outline and c.to_json() and c.content_hash for c in cards)\n"
        "watch = ('yaml', 'pydantic', 'interview_drill.bank.parse', 'interview_drill.domain.card_schema')\n"
        "print(sorted(m for m in sys.modules if m.startswith(watch)))\n"
    )
    env = {**os.environ, "IDRILL_HOME": str(isolated_home)}
    cold, warm = (
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        for _ in range(2)
    )
    assert "'yaml'" in cold.stdout and "'pydantic'" in cold.stdout  # the cold run parsed and validated
    assert warm.stdout.strip() == "[]"


def test_an_entry_is_mapped_and_keeps_its_version_when_the_cache_is_rewritten(
    cache_all, isolated_home: Path, tmp_path: Path
):
    """Cards decode their answers from the mapped entry later: rewriting the cache meanwhile (a new
    file renamed over the old, as every write does) must not change what they read."""
    import mmap

    folder = tmp_path / "bank"
    shutil.copytree(SAMPLE_BANK, folder)
    files = sorted(folder.glob("*.yaml"))
    cold = load_files(files, cache=False).cards
    load_files(files)
    store = BankCache.default()
    key = store.key(files[0], files[0].stat())
    assert isinstance(store.read(key), mmap.mmap) == (os.name == "posix")
    warm = load_files(files).cards
    for entry in cache_dir(isolated_home).iterdir():  # every entry rewritten with other bytes
        raw = entry.read_bytes()
        entry.unlink()
        entry.write_bytes(raw.replace(b"sample", b"SAMPLE"))
    assert [c.model_dump() for c in warm] == [c.model_dump() for c in cold]


def test_an_entry_that_cannot_be_mapped_is_read(cache_all, monkeypatch: pytest.MonkeyPatch):
    import mmap

    files = sorted(SAMPLE_BANK.glob("*.yaml"))
    cold = load_files(files, cache=False).cards
    load_files(files)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no mapping on this file system")

    monkeypatch.setattr(mmap, "mmap", refuse)
    warm = load_files(files).cards
    assert all(c._later is not None for c in warm)  # from the cache, not parsed again
    assert [c.model_dump() for c in warm] == [c.model_dump() for c in cold]


def test_an_empty_or_truncated_entry_is_a_miss(cache_all, isolated_home: Path):
    files = sorted(SAMPLE_BANK.glob("*.yaml"))
    cold = load_files(files, cache=False).cards
    load_files(files)
    entries = sorted(cache_dir(isolated_home).iterdir())
    entries[0].write_bytes(b"")
    entries[1].write_bytes(entries[1].read_bytes()[: len(entries[1].read_bytes()) // 2])
    again = load_files(files).cards
    assert [c.model_dump() for c in again] == [c.model_dump() for c in cold]


def test_no_two_warm_cards_share_a_list(cache_all):
    """marshal writes an object met twice as a reference to the first: a list shared by two cards'
    heads would come back as one list, and an edit of one card would change the other."""
    files = sorted(builtin_bank_dir().glob("*.yaml"))
    load_files(files)
    cards = load_files(files).cards
    owners: dict[int, str] = {}
    for c in cards:
        for name in ("traps", "tags", "related", "aliases", "outline", "numbers", "follow_ups"):
            value = getattr(c, name)
            assert owners.setdefault(id(value), c.id) == c.id, (name, c.id)
