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


def bullet_covered(answer: str, bullet: str) -> bool:
    terms = key_terms(bullet)
    if not terms:
        return False
    words = words_of(answer)
    words += [part for w in words if "-" in w for part in w.split("-") if part]
    hits = sum(term_present(t, words) for t in terms)
    return hits >= max(1, min(COVERED_ENOUGH, math.ceil(len(terms) * COVERED_SHARE)))


def outline_coverage(answer: str, outline: list[str]) -> list[bool]:
    """For each outline bullet: does the typed answer cover it?"""
    return [bullet_covered(answer, b) for b in outline]
