"""The quick path: an ordinary bank file as plain data in one pass, or a shrug (`SLOW`).

Speed matters here (a 10,000-card bank is ~19 MB): `quick_parse` first tries the line reader
(`bank.parse_lines`, for files in YAML's everyday block layout), else reads the C parser's events
once, with no node tree and no line numbers; both give up at the first thing that is not ordinary.
Only when they give up, or the data does not validate, does the file go through the careful parser
(`bank.parse`), so problem messages are always the careful parser's. They share their YAML rules
(`bank.yaml_rules`); tests/bank/test_bank_cache.py and test_parse_lines.py check that they read
every file alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from interview_drill.bank.parse_lines import read_lines
from interview_drill.bank.yaml_rules import (
    C_LOADER,
    IMPLICIT,
    KEY_TAGS,
    SLOW,
    Loader,
    plain_tag,
    plain_value,
    surely_text,
)

__all__ = ["SLOW", "quick_parse"]
_QUICK_DEPTH = 12  # a card sits at depth 5; anything deeper is left to the careful path
_SEQ, _ROOT = object(), object()  # `key` of a sequence being filled, and of the document itself


def quick_parse(text: str, raw: bytes | None = None) -> Any:
    """The file's data as `yaml.safe_load` gives it, or `SLOW` if the careful path is needed.

    `raw` is the text as UTF-8 (the loader has it already; encoded here if not given). The line
    reader goes first; if it gives up, one pass over the C parser's events, building dicts and lists
    on an explicit stack (no recursion, no node tree, no line numbers). Both give up at anything the
    careful path would comment on or that an ordinary bank never has: anchors, aliases, tags,
    complex or merge keys, duplicate keys, scalars that YAML 1.1 reads as something else, nesting
    deeper than a card's, several documents, errors.
    So whenever it returns data, the careful path would have returned the same data and no problem.
    """
    if None in IMPLICIT:  # a resolver for every first character: not the loader this was written for
        return SLOW
    if raw is None:
        try:
            raw = text.encode()
        except UnicodeEncodeError:  # a lone surrogate: never in text decoded from a file
            return SLOW
    data = read_lines(text, raw)
    if data is not SLOW:
        return data
    loader = Loader(raw if C_LOADER else text)  # the C parser would otherwise encode the text again
    try:
        return _quick_events(loader.get_event)  # type: ignore[arg-type]  # PyYAML stubs: C and Python loaders differ
    except Exception:  # a syntax or reader error, or anything unexpected: the careful path explains
        return SLOW
    finally:
        loader.dispose()


def _quick_events(get: Callable[[], yaml.Event]) -> Any:
    if get().__class__ is not yaml.StreamStartEvent or get().__class__ is not yaml.DocumentStartEvent:
        return SLOW
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    stack: list[tuple[Any, Any]] = []
    top: Any = None
    key: Any = _ROOT  # None: the mapping `top` expects a key; a str: it expects that key's value
    root: Any = SLOW
    while True:
        event: Any = get()
        cls = event.__class__
        if cls is scalar:
            if event.anchor is not None or event.tag is not None:
                return SLOW
            value = event.value
            plain = event.implicit[0]
            if key is None:
                if value in top or (plain and plain_tag(value) not in KEY_TAGS):
                    return SLOW
                key = value
                continue
            if plain and not surely_text(value):
                value = plain_value(value)
                if value is SLOW:
                    return SLOW
        elif cls is mapping_start or cls is sequence_start:
            if event.anchor is not None or event.tag is not None or key is None or len(stack) >= _QUICK_DEPTH:
                return SLOW
            stack.append((top, key))
            top, key = ({}, None) if cls is mapping_start else ([], _SEQ)
            continue
        elif cls in ends:
            if key is not None and key is not _SEQ:  # a key without a value: cannot happen, but be sure
                return SLOW
            value = top  # a finished collection goes where it started, like a scalar would
            top, key = stack.pop()
        elif cls is yaml.DocumentEndEvent:
            break
        else:  # an alias, or anything else
            return SLOW
        if key is _SEQ:
            top.append(value)
        elif key is _ROOT:
            root = value
        else:
            top[key] = value
            key = None
    if get().__class__ is not yaml.StreamEndEvent or not isinstance(root, dict):
        return SLOW  # a second document, or a file that is not a mapping: the careful path says so
    return root
