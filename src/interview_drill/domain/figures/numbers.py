"""The numbers quiz checker: is a typed figure the card's figure, within a tolerance?

Understands plain numbers, scientific notation (`2e-5` = `0.00002`), thousands separators,
suffixes (k, M, B/bn, T), percentages, ranges (`8–64`, `1e-4 to 3e-4`), approximations (`~20`),
multipliers (`3×`) and units (GB, MB, tokens…). A figure without any number is compared as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?|[-+]?\.\d+(?:e[-+]?\d+)?"
_SCALE = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
    "t": 1e12, "trillion": 1e12,
}  # fmt: skip
_UNIT_SCALE = {
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_QUANTITY = re.compile(rf"({_NUM})\s*(%|[a-z]+)?", re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*(?:–|—|-|to|\.\.)\s*")
TOLERANCE = 0.10  # relative: within 10 % counts as correct
CLOSE = 0.25


@dataclass(frozen=True)
class Quantity:
    low: float
    high: float
    unit: str  # normalised unit family: "", "%", "bytes", "x", or a word such as "tokens"
    raw: tuple[float, float] = (0.0, 0.0)  # the numbers as written, before k/M/B/GB scaling
    scaled: bool = False

    @property
    def is_range(self) -> bool:
        return self.low != self.high


def _value(num: str, suffix: str | None) -> tuple[float, str]:
    value = float(num.replace(",", ""))
    unit = (suffix or "").lower()
    if unit in _SCALE:
        return value * _SCALE[unit], ""
    if unit in _UNIT_SCALE:
        return value * _UNIT_SCALE[unit], "bytes"
    if unit == "%":
        return value, "%"
    if unit in ("x",):
        return value, "x"
    return value, unit


def parse(text: str) -> Quantity | None:
    """The first quantity (or range) in `text`; None if it has no number (or is a name like NF4)."""
    if re.match(r"^\s*[A-Za-z]+\d", text):
        return None
    clean = text.replace("×", "x").replace("≈", "~").replace("\u2212", "-").strip()
    clean = re.sub(r"^[^0-9.+-]*?(?=[-+]?\.?\d)", "", clean)  # drop a label like "r = " or "~"
    matches = list(_QUANTITY.finditer(clean))
    if not matches:
        return None
    first = matches[0]
    low, unit = _value(first.group(1), first.group(2))
    high = low
    if len(matches) > 1:
        between = clean[first.end() : matches[1].start()]
        if _RANGE_SEP.fullmatch(between) or between.strip() in ("-", "–", "—", "to"):
            second_val, second_unit = _value(matches[1].group(1), matches[1].group(2))
            if first.group(2) is None and second_unit:  # "8-64B": the unit applies to both ends
                low, _ = _value(first.group(1), matches[1].group(2))
                unit = second_unit
            high = second_val
    raw_low = float(first.group(1).replace(",", ""))
    raw_high = raw_low if high == low else float(matches[1].group(1).replace(",", ""))
    if low > high:
        low, high = high, low
        raw_low, raw_high = raw_high, raw_low
    return Quantity(low, high, unit, (raw_low, raw_high), scaled=raw_low != low)


def _rel(a: float, b: float) -> float:
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def check(answer: str, figure: str) -> str:
    """'correct', 'close' or 'wrong' for `answer` against the card's `figure`."""
    expected = parse(figure)
    if expected is None:
        ratio = fuzz.ratio(answer.strip().lower(), figure.strip().lower())
        return "correct" if ratio >= 90 else "wrong"  # a name: NF8 is not NF4
    given = parse(answer)
    if given is None:
        return "wrong"
    if expected.unit and given.unit and expected.unit != given.unit:
        # "140 GB" against "140": a missing unit is forgiven, a different one is not
        return "wrong"
    targets = [expected]
    if not given.unit and not given.scaled and expected.scaled:
        # "140" against "140 GB": also compare with the number as written on the card
        targets.append(Quantity(*expected.raw, expected.unit, expected.raw))
    candidates = [(given.low, given.high)]
    if not given.unit and expected.unit == "%" and given.high <= 1:
        candidates.append((given.low * 100, given.high * 100))  # 0.3 for 30 %
    best = min(_distance(lo, hi, t) for lo, hi in candidates for t in targets)
    if best <= TOLERANCE:
        return "correct"
    return "close" if best <= CLOSE else "wrong"


def _distance(lo: float, hi: float, expected: Quantity) -> float:
    if expected.is_range and lo == hi:  # one number inside the expected range is right
        if expected.low <= lo <= expected.high:
            return 0.0
        return min(_rel(lo, expected.low), _rel(lo, expected.high))
    return max(_rel(lo, expected.low), _rel(hi, expected.high))
