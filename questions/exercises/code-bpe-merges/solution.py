from collections import Counter


def _merge_word(symbols: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn_bpe(word_freqs: dict[str, int], num_merges: int) -> list[tuple[str, str]]:
    """Learn byte-pair-encoding merges from a toy corpus.

    Args:
        word_freqs: word -> count (count >= 1). Each word starts as its sequence of
            characters. There is no end-of-word marker (append one such as "_" to the
            words yourself if you want one); merges never cross word boundaries.
        num_merges: the maximum number of merges to learn.

    Each round:
        1. Count every adjacent symbol pair over all words, weighting each occurrence
           by the word's count. Overlapping occurrences all count: the symbols
           a a a hold the pair (a, a) twice.
        2. Pick the pair with the highest count; on a tie, the lexicographically
           smallest pair, comparing (left, right) as a tuple of strings.
        3. Replace every occurrence of that pair in every word by the concatenated
           symbol, scanning each word left to right without overlaps
           (a a a -> aa a).
    Stop early when no word has two or more symbols left.

    Returns:
        The merges in the order learned, as (left, right) tuples. The input dict
        is not modified.
    """
    vocab = {tuple(w): c for w, c in word_freqs.items()}
    merges: list[tuple[str, str]] = []
    for _ in range(num_merges):
        counts: Counter = Counter()
        for symbols, c in vocab.items():
            for pair in zip(symbols, symbols[1:]):
                counts[pair] += c
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        vocab = {_merge_word(s, best): c for s, c in vocab.items()}
    return merges


def apply_bpe(word: str, merges: list[tuple[str, str]]) -> list[str]:
    """Tokenise one word with learned merges.

    Start from the word's characters and apply the merges in the order they were
    learned; each merge replaces every occurrence of its pair, left to right without
    overlaps (the same rule as in learn_bpe). Characters never seen in training stay
    as single-character symbols. The empty string gives [].

    Returns:
        The list of symbols; concatenated they give back `word`.
    """
    symbols = tuple(word)
    for pair in merges:
        if len(symbols) < 2:
            break
        symbols = _merge_word(symbols, pair)
    return list(symbols)
