import itertools
import math
import numpy as np
from idrill_check import close, equal

EOS = 0


class TableModel:
    """A toy model: log-probs from a dict keyed by prefix; records every call."""

    def __init__(self, table, default):
        self.table, self.default, self.calls = table, default, []

    def __call__(self, prefix):
        self.calls.append(tuple(prefix))
        row = self.table.get(tuple(prefix), self.default)
        with np.errstate(divide="ignore"):
            return np.log(np.asarray(row, dtype=float))


def _random_model(V=3, seed=0):
    rng = np.random.default_rng(seed)
    cache = {}

    def f(prefix):
        key = tuple(prefix)
        if key not in cache:
            cache[key] = np.log(rng.dirichlet(np.ones(V)))
        return cache[key].copy()
    return f


def _score(f, seq):
    return sum(float(f(seq[:i])[seq[i]]) for i in range(len(seq)))


def test_width_one_is_greedy(m):
    """beam width 1 equals greedy decoding"""
    f = _random_model(V=4, seed=1)
    seq = ()
    for _ in range(5):
        tok = int(np.argmax(f(seq)))
        seq += (tok,)
        if tok == EOS:
            break
    out = m.beam_search(f, beam_width=1, max_len=5, eos_id=EOS)
    equal(tuple(out[0][0]), seq, "best sequence")
    close(out[0][1], _score(f, seq), "its score")


def test_beam_beats_greedy(m):
    """width 2 finds the path greedy misses"""
    # greedy takes token 1 (0.6) then faces a flat 1/3 split; token 2 (0.4) leads to EOS with 0.9
    f = TableModel({(): [0.0, 0.6, 0.4], (1,): [1 / 3, 1 / 3, 1 / 3], (2,): [0.9, 0.05, 0.05]},
                   default=[1.0, 0.0, 0.0])
    out = m.beam_search(f, beam_width=2, max_len=3, eos_id=EOS)
    equal(tuple(out[0][0]), (2, 0), "best sequence")
    close(out[0][1], math.log(0.4 * 0.9), "its score")


def test_wide_beam_finds_the_optimum(m):
    """a beam wider than the search space is exact"""
    f = _random_model(V=3, seed=2)
    best, best_seq = -math.inf, None
    for L in range(1, 4):
        for seq in itertools.product(range(3), repeat=L):
            if EOS in seq[:-1] or (L < 3 and seq[-1] != EOS):
                continue                      # EOS only at the end; shorter ones must end with EOS
            s = _score(f, seq)
            if s > best:
                best, best_seq = s, seq
    out = m.beam_search(f, beam_width=50, max_len=3, eos_id=EOS)
    equal(tuple(out[0][0]), best_seq, "best sequence")
    close(out[0][1], best, "its score")


def test_finished_hypotheses_are_not_extended(m):
    """hypotheses ending in EOS are never extended"""
    f = TableModel({(): [0.5, 0.3, 0.2]}, default=[0.4, 0.3, 0.3])
    out = m.beam_search(f, beam_width=3, max_len=4, eos_id=EOS)
    bad = [c for c in f.calls if c and c[-1] == EOS]
    equal(bad, [], "model calls on prefixes ending in EOS")
    for seq, _ in out:
        if EOS in tuple(seq)[:-1]:
            raise AssertionError(f"returned {tuple(seq)} has EOS before its end")


def test_length_penalty_changes_the_winner(m):
    """length_penalty=1 prefers the longer, likelier-per-token output"""
    # (0,) scores log 0.3; (1, 0) scores log(0.7 * 0.4): worse sum, better mean
    f = TableModel({(): [0.3, 0.7, 0.0], (1,): [0.4, 0.3, 0.3]}, default=[1.0, 0.0, 0.0])
    raw = m.beam_search(f, beam_width=2, max_len=2, eos_id=EOS, length_penalty=0.0)
    equal(tuple(raw[0][0]), (0,), "winner with raw sums")
    norm = m.beam_search(f, beam_width=2, max_len=2, eos_id=EOS, length_penalty=1.0)
    equal(tuple(norm[0][0]), (1, 0), "winner with length_penalty = 1")
    close(norm[0][1], math.log(0.7 * 0.4) / 2, "its normalised score")


def test_max_len_without_eos(m):
    """hypotheses that hit max_len without EOS are returned"""
    # EOS has probability 0 everywhere, so nothing finishes before max_len
    f = TableModel({(): [0.0, 0.5, 0.3, 0.2], (1,): [0.0, 0.6, 0.3, 0.1], (2,): [0.0, 0.45, 0.45, 0.1]},
                   default=[0.0, 0.7, 0.2, 0.1])
    out = m.beam_search(f, beam_width=2, max_len=3, eos_id=EOS)
    equal([tuple(s) for s, _ in out], [(1, 1, 1), (1, 2, 1)], "returned sequences")
    close([s for _, s in out], np.log([0.5 * 0.6 * 0.7, 0.5 * 0.3 * 0.7]), "their scores")


def test_output_sorted_with_consistent_scores(m):
    """results are sorted and scores match the model"""
    f = _random_model(V=4, seed=3)
    out = m.beam_search(f, beam_width=3, max_len=4, eos_id=EOS, length_penalty=0.6)
    if not out:
        raise AssertionError("no hypotheses returned")
    scores = [s for _, s in out]
    if scores != sorted(scores, reverse=True):
        raise AssertionError(f"scores not sorted best first: {np.round(scores, 4)}")
    for seq, s in out:
        seq = tuple(seq)
        close(s, _score(f, seq) / len(seq) ** 0.6, f"score of {seq}")
