from idrill_check import equal

CORPUS = {"low": 5, "lower": 2, "newest": 6, "widest": 3}


def _as_pairs(merges):
    return [tuple(p) for p in merges]


def test_most_frequent_pair_first(m):
    """the first merge is the most frequent pair"""
    equal(_as_pairs(m.learn_bpe({"abab": 3, "cd": 5}, 1)), [("a", "b")], "first merge")


def test_counts_are_weighted_by_frequency(m):
    """pair counts are weighted by word frequency"""
    # (x, y) appears in three words of count 1 (total 3); (p, q) in one word of count 4
    merges = m.learn_bpe({"xy": 1, "axy": 1, "xyb": 1, "pq": 4}, 1)
    equal(_as_pairs(merges), [("p", "q")], "first merge")


def test_ties_go_to_the_smallest_pair(m):
    """ties go to the lexicographically smallest pair"""
    equal(_as_pairs(m.learn_bpe({"cd": 2, "ab": 2, "ba": 2}, 3)), [("a", "b"), ("b", "a"), ("c", "d")],
          "merge order")


def test_classic_corpus(m):
    """learns the expected merges on the classic toy corpus"""
    # (e, s) and (s, t) both count 9; (l, o) and (o, w) both 7; (e, w) and (n, e) both 6
    expected = [("e", "s"), ("es", "t"), ("l", "o"), ("lo", "w"), ("e", "w")]
    equal(_as_pairs(m.learn_bpe(CORPUS, 5)), expected, "first five merges")


def test_overlaps_and_early_stop(m):
    """overlapping pairs merge left to right; learning stops early"""
    equal(_as_pairs(m.learn_bpe({"aaa": 1}, 10)), [("a", "a"), ("aa", "a")], "merges for 'aaa'")
    equal(m.apply_bpe("aaaa", [("a", "a")]), ["aa", "aa"], "apply (a, a) to 'aaaa'")
    equal(m.apply_bpe("aaa", [("a", "a")]), ["aa", "a"], "apply (a, a) to 'aaa'")


def test_apply_to_unseen_words(m):
    """applies merges in learned order to new words"""
    merges = [("e", "s"), ("es", "t"), ("l", "o"), ("lo", "w"), ("e", "w")]
    equal(m.apply_bpe("lowest", merges), ["low", "est"], "apply to 'lowest'")
    equal(m.apply_bpe("newer", merges), ["n", "ew", "e", "r"], "apply to 'newer'")
    equal(m.apply_bpe("zest", merges), ["z", "est"], "apply to 'zest'")


def test_empty_and_unknown(m):
    """empty words and unseen characters are handled"""
    merges = [("a", "b")]
    equal(m.apply_bpe("", merges), [], "apply to ''")
    equal(m.apply_bpe("xyz", merges), ["x", "y", "z"], "apply to 'xyz'")
    equal(_as_pairs(m.learn_bpe({"a": 4, "b": 1}, 3)), [], "merges from single-character words")


def test_input_not_modified(m):
    """the corpus dict is not modified"""
    corpus = dict(CORPUS)
    m.learn_bpe(corpus, 4)
    equal(corpus, CORPUS, "word_freqs after learning")
