"""What a bank's YAML may hold, shared by the careful and the quick parser so they never disagree.

Owns the choice of PyYAML loader (the C one when PyYAML was built with it), the scalar tags a bank
may use, reading a scalar through its tag's constructor, and the plain scalars that YAML 1.1
silently reads as something the author did not write (`no` as false, `1:30` as 90, `1.50` as 1.5).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from interview_drill.bank.messages import show

# The C parser and composer are several times faster; PyYAML built without libyaml has only Python's.
C_LOADER: bool = yaml.__with_libyaml__
Loader = yaml.CSafeLoader if C_LOADER else yaml.SafeLoader

STR = "tag:yaml.org,2002:str"
VALUE = "tag:yaml.org,2002:value"  # what the 1.1 resolver makes of a plain `=`: text to us
MERGE = "tag:yaml.org,2002:merge"
SCALAR_TAGS = {
    STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
KEY_TAGS = SCALAR_TAGS | {VALUE}  # a key with any of these tags is read as its text
# What PyYAML's scalar constructors raise on a value their tag cannot hold (`!!int abc`, 2024-13-45…).
_CONSTRUCT_ERRORS = (ArithmeticError, LookupError, ValueError, TypeError, AttributeError, yaml.YAMLError)
_TAG_NAMES = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}
_constructor = yaml.constructor.SafeConstructor()

SLOW: Any = object()  # what the quick readers return when a file needs a more careful one
IMPLICIT = dict(Loader.yaml_implicit_resolvers)  # first character -> [(tag, regexp)]


def _any_of(resolvers: list[tuple[str, re.Pattern[str]]]) -> re.Pattern[str] | None:
    """One regexp matching whatever any of `resolvers` matches, or None if they cannot be joined."""
    parts = []
    for _, regexp in resolvers:
        if regexp.flags & ~(re.VERBOSE | re.UNICODE):
            return None
        parts.append(f"(?{'x' if regexp.flags & re.VERBOSE else ''}:{regexp.pattern})")
    return re.compile("|".join(parts))


# One regexp per first character (None if its resolvers could not be joined): most plain scalars
# match none, which one C-level match shows.
ANY_RESOLVER = {first: _any_of(resolvers) for first, resolvers in IMPLICIT.items() if first is not None}


def surely_text(value: str) -> bool:
    """Whether a plain scalar is surely text, no implicit resolver reading it as anything else.

    A quick pre-check: False only means `plain_value` must decide.
    """
    if None in IMPLICIT:  # a resolver for every first character: not the loader this was written for
        return False
    first = value[:1]
    if first not in ANY_RESOLVER:
        return True
    joined = ANY_RESOLVER[first]
    return joined is not None and joined.match(value) is None


def plain_tag(value: str) -> str:
    """The tag YAML's implicit resolvers give a plain scalar (what `Resolver.resolve` does)."""
    for tag, regexp in IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return STR


def plain_value(value: str) -> Any:
    """A plain scalar as the careful parser's builder reads it, or `SLOW` if it would complain."""
    tag = plain_tag(value)
    if tag in (STR, VALUE):
        return value
    if tag not in SCALAR_TAGS:
        return SLOW
    result, problem = read_scalar(yaml.ScalarNode(tag, value))
    return SLOW if problem else result


def read_scalar(node: yaml.ScalarNode) -> tuple[Any, str | None]:
    """A scalar whose tag is one of SCALAR_TAGS as a bank reads it, and the problem with it, if any.

    A value its tag cannot hold, or a plain one YAML 1.1 reads as something the author did not
    write, is a problem; its raw text then stands in for it.
    """
    tag, raw = node.tag, node.value
    try:
        # Call the tag's constructor directly: `construct_object` would cache every node forever.
        value = _constructor.yaml_constructors[tag](_constructor, node)
    except _CONSTRUCT_ERRORS:
        return raw, (
            f"YAML cannot read `{show(raw)}` as {_TAG_NAMES.get(tag, tag)}; put it in quotes if you mean the text"
        )
    if node.style:  # quoted or block scalars with an explicit non-str tag, e.g. !!int "3"
        return value, None
    surprise = _yaml11_surprise(tag, raw, value)
    return (raw, surprise) if surprise else (value, None)


def _yaml11_surprise(tag: str, raw: str, value: Any) -> str | None:
    """Plain scalars that YAML 1.1 silently turns into something the author did not write."""
    if tag.endswith(":bool") and raw.lower() not in ("true", "false"):
        return f"YAML reads `{raw}` as the boolean {value}; put it in quotes if you mean the text"
    # 010 is 8, 1:30 is 90, 1_000 is 1000, but also 1.50 is 1.5 and +5 is 5: any number that would
    # not be written back the way the author wrote it.
    if tag.endswith((":int", ":float")):
        try:
            written = repr(value)
        except ValueError:  # an integer longer than Python will print (sys.get_int_max_str_digits)
            return f"YAML reads `{show(raw)}` as a huge number; put it in quotes if you mean the text"
        if written != raw:
            return (
                f"YAML reads `{show(raw)}` as the number {show(value)}; put it in quotes if you mean the text"
            )
    return None
