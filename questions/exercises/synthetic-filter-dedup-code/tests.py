import hashlib
import numpy as np
from idrill_check import close, equal

P = 2**31 - 1


def _doc(lo, hi):
    return " ".join(f"tok{i}" for i in range(lo, hi))


def test_shingles(m):
    """word shingles, normalisation and short texts"""
    equal(m.shingles("The cat  sat on", 3), {"the cat sat", "cat sat on"}, "shingles of 4 words")
    equal(m.shingles("Hello\tWORLD", 3), {"hello world"}, "text shorter than n")
    equal(m.shingles("   ", 3), set(), "whitespace-only text")
    equal(len(m.shingles(_doc(0, 10), 2)), 9, "number of 2-shingles of 10 distinct words")


def test_signature_follows_seeded_family(m):
    """signature matches the documented hash family"""
    sh = {"alpha beta gamma", "beta gamma delta", "x"}
    rng = np.random.default_rng(3)
    a = rng.integers(1, P, size=16)
    b = rng.integers(0, P, size=16)
    xs = [int.from_bytes(hashlib.sha1(s.encode("utf-8")).digest()[:8], "big") % P for s in sh]
    expected = np.array([min((int(a[i]) * x + int(b[i])) % P for x in xs) for i in range(16)], dtype=np.int64)
    got = m.minhash_signature(sh, num_perm=16, seed=3)
    equal(np.asarray(got).shape, (16,), "signature shape")
    equal(np.asarray(got, dtype=np.int64), expected, "signature")
    equal(np.asarray(m.minhash_signature(set(), num_perm=4)), np.full(4, P), "signature of an empty set")


def test_identical_and_disjoint(m):
    """identical texts estimate 1, disjoint texts 0"""
    s1 = m.minhash_signature(m.shingles("The quick brown fox jumps over the lazy dog"))
    s2 = m.minhash_signature(m.shingles("the QUICK brown fox\njumps over the  lazy dog"))
    s3 = m.minhash_signature(m.shingles(_doc(0, 40)))
    close(m.jaccard_estimate(s1, s2), 1.0, "case/whitespace variant")
    close(m.jaccard_estimate(s1, s3), 0.0, "disjoint texts")


def test_estimate_tracks_true_jaccard(m):
    """estimate is close to the true Jaccard"""
    a = {f"s{i}" for i in range(0, 300)}
    b = {f"s{i}" for i in range(100, 400)}   # |a & b| = 200, |a | b| = 400 -> J = 0.5
    est = m.jaccard_estimate(m.minhash_signature(a, 512, seed=0), m.minhash_signature(b, 512, seed=0))
    if abs(est - 0.5) > 0.08:
        raise AssertionError(f"estimate {est:.3f} is far from the true Jaccard 0.5")


def test_clusters_are_connected_components(m):
    """chained near-duplicates form one cluster"""
    texts = [
        _doc(0, 100),            # 0: A
        _doc(200, 260),          # 1: unrelated
        _doc(15, 115),           # 2: B, J(A, B) = 81/111 = 0.73 (5-word shingles)
        _doc(30, 130),           # 3: C, J(B, C) = 0.73, J(A, C) = 66/126 = 0.52
        _doc(200, 260).upper(),  # 4: duplicate of 1 up to case
        _doc(500, 530),          # 5: unrelated
    ]
    got = m.near_duplicate_clusters(texts, num_perm=256, bands=64, threshold=0.63)
    equal(got, [[0, 2, 3], [1, 4], [5]], "clusters")


def test_threshold_respected(m):
    """pairs below the threshold are not merged"""
    texts = [_doc(0, 100), _doc(15, 115)]   # J = 81 / 111 = 0.73
    equal(m.near_duplicate_clusters(texts, num_perm=256, bands=64, threshold=0.63), [[0, 1]], "threshold 0.63")
    equal(m.near_duplicate_clusters(texts, num_perm=256, bands=64, threshold=0.9), [[0], [1]], "threshold 0.9")


def test_empty_texts_stay_single(m):
    """texts without shingles are never matched"""
    got = m.near_duplicate_clusters(["", "a b c d", "   ", "A B C D"], num_perm=32, bands=8)
    equal(got, [[0], [1, 3], [2]], "clusters")


def test_invalid_arguments(m):
    """bad band count and length mismatch raise ValueError"""
    try:
        m.near_duplicate_clusters(["a b c"], num_perm=100, bands=32)
    except ValueError:
        pass
    else:
        raise AssertionError("expected ValueError when num_perm is not divisible by bands")
    try:
        m.jaccard_estimate(np.zeros(8, dtype=np.int64), np.zeros(16, dtype=np.int64))
    except ValueError:
        pass
    else:
        raise AssertionError("expected ValueError for signatures of different lengths")
