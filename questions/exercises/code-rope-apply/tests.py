import math
import numpy as np
from idrill_check import close, equal


def _rope_one(v, p, base=10000.0):
    """Reference for one vector at one position, via 2x2 rotations of pairs (i, i + half)."""
    D = len(v)
    half = D // 2
    out = np.array(v, dtype=np.float64)
    for i in range(half):
        a = p * base ** (-2 * i / D)
        c, s = math.cos(a), math.sin(a)
        out[i] = v[i] * c - v[i + half] * s
        out[i + half] = v[i + half] * c + v[i] * s
    return out


def test_position_zero_identity(m):
    """position 0 leaves the vector unchanged"""
    x = np.random.default_rng(0).normal(size=(1, 3, 8))
    close(m.apply_rope(x)[:, 0], x[:, 0], "token at position 0")


def test_half_split_convention(m):
    """dimension i pairs with i + D/2"""
    x = np.zeros((2, 4))
    x[1, 0] = 1.0              # token at position 1, unit vector on dimension 0
    got = m.apply_rope(x)
    # inv_freq = [1, 0.01]; pair (0, 2) rotates by angle 1
    close(got[1], np.array([math.cos(1.0), 0.0, math.sin(1.0), 0.0]), "rotated unit vector")


def test_matches_reference_rotation(m):
    """matches per-pair rotations at every position"""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 16))
    got = m.apply_rope(x, base=500.0)
    expected = np.stack([_rope_one(x[t], t, base=500.0) for t in range(5)])
    close(got, expected, "rotated sequence")


def test_norm_preserved(m):
    """rotation preserves each vector's norm"""
    x = np.random.default_rng(0).normal(size=(2, 3, 7, 32))
    got = m.apply_rope(x, offset=1000)
    close(np.linalg.norm(got, axis=-1), np.linalg.norm(x, axis=-1), "vector norms")


def test_relative_position_property(m):
    """q.k depends only on the position offset"""
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(1, 64)), rng.normal(size=(1, 64))
    dots = []
    for mpos, npos in ((3, 1), (10, 8), (102, 100), (5000, 4998)):
        qr = m.apply_rope(q, offset=mpos)[0]
        kr = m.apply_rope(k, offset=npos)[0]
        dots.append(float(qr @ kr))
    close(np.array(dots), np.full(4, dots[0]), "q.k at offset 2 for different absolute positions", rtol=1e-9)
    far = float(m.apply_rope(q, offset=7)[0] @ m.apply_rope(k, offset=1)[0])
    if abs(far - dots[0]) < 1e-6:
        raise AssertionError("q.k at offset 6 equals q.k at offset 2: positions have no effect")


def test_offset_matches_full_sequence(m):
    """offset decoding matches the full-sequence positions"""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 12, 8))
    full = m.apply_rope(x)
    tail = m.apply_rope(x[:, 9:], offset=9)
    close(tail, full[:, 9:], "tokens 9..11 rotated with offset 9")


def test_per_sequence_offsets(m):
    """an offset array gives each sequence its own start"""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 2, 1, 8))            # [B, H, T=1, D]: one decode step
    offsets = np.array([[0], [5], [17]])         # [B, 1], broadcast over heads
    got = m.apply_rope(x, offset=offsets)
    equal(got.shape, (3, 2, 1, 8), "output shape")
    for b, p in enumerate((0, 5, 17)):
        for h in range(2):
            close(got[b, h, 0], _rope_one(x[b, h, 0], p), f"sequence {b}, head {h}")


def test_odd_head_dim_rejected(m):
    """odd head_dim raises ValueError"""
    try:
        m.apply_rope(np.zeros((3, 5)))
    except ValueError:
        return
    raise AssertionError("expected ValueError for head_dim 5")
