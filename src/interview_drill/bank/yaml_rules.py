"""What a bank's YAML may hold, shared by the careful and the quick parser so they never disagree.

Owns the choice of PyYAML loader (the C one when PyYAML was built with it), the scalar tags a bank
may use, reading a scalar through its tag's constructor, and the plain scalars that YAML 1.1
silently reads as something the author did not write (`no` as false, `1:30` as 90, `1.50` as 1.5).
"""

from __future__ import annotations

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
