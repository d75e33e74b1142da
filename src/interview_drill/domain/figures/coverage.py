"""Does a typed answer cover an outline bullet? Fuzzy matching of the bullet's key terms.

A hint for self-grading, never a grade: the user still picks the rating.
"""

from __future__ import annotations

import math
import re

from rapidfuzz import fuzz, process

_WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "than",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "you",
        "your",
        "we",
        "our",
        "us",
        "he",
        "she",
        "his",
        "her",
        "not",
        "no",
        "do",
        "does",
        "did",
        "done",
        "can",
        "could",
        "should",
        "would",
        "will",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
        "having",
        "which",
        "what",
        "when",
        "where",
        "who",
        "why",
        "how",
        "all",
        "any",
        "each",
        "more",
        "most",
        "less",
        "least",
        "very",
        "much",
        "many",
        "some",
        "such",
        "only",
        "also",
        "just",
        "about",
        "after",
        "before",
        "while",
        "because",
        "both",
        "either",
        "neither",
        "same",
        "other",
        "own",
        "too",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "here",
        "one",
        "two",
        "use",
        "used",
        "using",
        "like",
        "make",
        "makes",
        "made",
        "get",
        "gets",
        "per",
        "via",
        "vs",
    ]
)
_GREEK = str.maketrans({"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ", "Δ": " delta ",
                        "ε": " epsilon ", "λ": " lambda ", "π": " pi ", "σ": " sigma ", "θ": " theta "})  # fmt: skip
_NUMBER_WORDS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                 "eight": "8", "ten": "10", "half": "0.5"}  # fmt: skip
TERM_CUTOFF = 82  # rapidfuzz ratio for a term to count as present (allows typos and plurals)
COVERED_SHARE = 0.3  # share of a bullet's key terms that must appear…
COVERED_ENOUGH = 3  # …but three distinct key terms always cover it (long bullets list many terms)


def words_of(text: str) -> list[str]:
    """Lowercase words, with Greek letters spelled out and number words as digits."""
    return [_NUMBER_WORDS.get(w, w) for w in _WORD.findall(text.translate(_GREEK).lower())]


def key_terms(text: str) -> list[str]:
    """Content words of a bullet: lowercase, no stop words, numbers kept, short words dropped."""
    terms = []
    for word in words_of(text):
        if word in _STOP:
            continue
        if len(word) >= 3 or any(ch.isdigit() for ch in word):
            terms.append(word)
    return list(dict.fromkeys(terms))


def term_present(term: str, words: list[str]) -> bool:
    if not words:
        return False
    if "-" in term and term not in words:  # "4-bit" is also said as "4 bits"
        return all(term_present(part, words) for part in term.split("-") if part)
    if any(ch.isdigit() for ch in term):
        return term in words  # figures must match exactly: 16 is not 18
    best = process.extractOne(term, words, scorer=fuzz.ratio, score_cutoff=TERM_CUTOFF)
    if best is not None:
        return True
    # a stem match: "quantiz" in "quantization", "optimizer" vs "optimizers"
    return len(term) >= 5 and any(w.startswith(term[:5]) and abs(len(w) - len(term)) <= 4 for w in words)


# A figure in running text: `38%`, `~14 GB`, `10^9–10^11+ tokens`, `2e-5`, `1.2 TB`; not the digits of
# a name (`GPT-4`, `Qwen2.5`), which a letter or hyphen glues to the left.
_FIGURE = re.compile(
    r"(?<![A-Za-z0-9\-.])~?(\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+|\^\d+)?)\+?"
    r"(?:\s*(?:–|—|-|to)\s*(\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+|\^\d+)?)\+?)?"
    r"(\s*(?:%|×|x\b|[kKMBT]\b|bn\b|[KMGT]i?B\b|billion|million|thousand|trillion))?"
)


def _power(number: str) -> str:
    return re.sub(r"^10\^(\d+)$", r"1e\1", number)


def figures_in(text: str) -> list[str]:
    """The figures a text states, as strings the numbers checker reads (`10^9` becomes `1e9`).

    Bare integers below 10 are left out: they are counts and version numbers more often than facts.
    """
    out = []
    for m in _FIGURE.finditer(text):
        low, high, unit = m.group(1), m.group(2), (m.group(3) or "").strip()
        if (
            high is None
            and not unit
            and "." not in low
            and "^" not in low
            and "e" not in low
            and int(low.replace(",", "")) < 10
        ):
            continue
        out.append(_power(low) + (f"–{_power(high)}" if high else "") + (f" {unit}" if unit else ""))
    return out


def figure_given(answer: str, bullet_figures: list[str]) -> bool:
    """Does the answer state one of the bullet's figures, within the numbers quiz's tolerance?"""
    from interview_drill.domain.figures.numbers import check

    given = figures_in(answer) + [m.group(0) for m in re.finditer(r"\d[\d,.]*", answer)]
    return any(check(g, want) == "correct" for want in bullet_figures for g in given)


def bullet_covered(answer: str, bullet: str) -> bool:
    """Enough of the bullet's key terms are in the answer, and, when the bullet states figures,
    one of them too: `CPT runs 10^9–10^11 tokens` is not covered by an answer without the number."""
    terms = key_terms(bullet)
    if not terms:
        return False
    words = words_of(answer)
    words += [part for w in words if "-" in w for part in w.split("-") if part]
    hits = sum(term_present(t, words) for t in terms)
    if hits < max(1, min(COVERED_ENOUGH, math.ceil(len(terms) * COVERED_SHARE))):
        return False
    wanted = figures_in(bullet)
    return not wanted or figure_given(answer, wanted)


def outline_coverage(answer: str, outline: list[str]) -> list[bool]:
    """For each outline bullet: does the typed answer cover it?"""
    return [bullet_covered(answer, b) for b in outline]
