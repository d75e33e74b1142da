import math
import numpy as np
from idrill_check import close, equal


def _ref(q, k, v, pad=None):
    """Loop reference: one query row at a time."""
    B, H, T, d = q.shape
    out = np.zeros(q.shape[:-1] + (v.shape[-1],))
    w = np.zeros((B, H, T, T))
    for b in range(B):
        for h in range(H):
            for i in range(T):
                js = [j for j in range(i + 1) if pad is None or pad[b, j]]
                if not js:
                    continue
                s = np.array([q[b, h, i] @ k[b, h, j] / math.sqrt(d) for j in js])
                p = np.exp(s - s.max())
                p /= p.sum()
                w[b, h, i, js] = p
                out[b, h, i] = p @ v[b, h, js]
    return out, w


def _qkv(B=2, H=3, T=5, d=4, dv=6, scale=1.0):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(B, H, T, d)) * scale, rng.normal(size=(B, H, T, d)) * scale,
            rng.normal(size=(B, H, T, dv)))


def test_matches_reference(m):
    """matches a loop reference (scale 1/sqrt(d))"""
    q, k, v = _qkv()
    out, w = m.causal_attention(q, k, v, return_weights=True)
    exp_out, exp_w = _ref(q, k, v)
    close(w, exp_w, "weights")
    close(out, exp_out, "output")


def test_first_position_sees_only_itself(m):
    """position 0 attends only to itself"""
    q, k, v = _qkv()
    out = m.causal_attention(q, k, v)
    close(np.asarray(out)[:, :, 0], v[:, :, 0], "output at position 0")


def test_no_peeking_at_the_future(m):
    """changing future keys/values leaves earlier outputs unchanged"""
    q, k, v = _qkv(T=6)
    out1 = np.asarray(m.causal_attention(q, k, v))
    k2, v2 = k.copy(), v.copy()
    k2[:, :, 3:] += 10.0
    v2[:, :, 3:] -= 10.0
    out2 = np.asarray(m.causal_attention(q, k2, v2))
    close(out2[:, :, :3], out1[:, :, :3], "outputs at positions 0..2 after editing positions 3..5")


def test_weights_are_causal_distributions(m):
    """weights are zero above the diagonal and rows sum to 1"""
    q, k, v = _qkv(T=6)
    _, w = m.causal_attention(q, k, v, return_weights=True)
    w = np.asarray(w)
    equal(w.shape, (2, 3, 6, 6), "weights shape")
    upper = np.triu(np.ones((6, 6), dtype=bool), k=1)
    close(w[..., upper], np.zeros(w[..., upper].shape), "weights on future keys")
    close(w.sum(axis=-1), np.ones((2, 3, 6)), "row sums")


def test_right_padding_matches_unpadded(m):
    """right padding: real positions match the unpadded sequence"""
    q, k, v = _qkv(B=2, T=6)
    pad = np.ones((2, 6), dtype=bool)
    pad[1, 4:] = False                      # row 1 has 4 real tokens
    out, w = m.causal_attention(q, k, v, key_padding_mask=pad, return_weights=True)
    short = np.asarray(m.causal_attention(q[1:, :, :4], k[1:, :, :4], v[1:, :, :4]))
    close(np.asarray(out)[1:, :, :4], short, "real positions of the padded row")
    close(np.asarray(w)[1, :, :, 4:], np.zeros((3, 6, 2)), "weights on padded keys")


def test_left_padding_rows_are_zero_not_nan(m):
    """a query with no allowed key gives zeros, not NaN"""
    q, k, v = _qkv(B=1, T=5)
    pad = np.array([[False, False, True, True, True]])   # left padding
    out, w = m.causal_attention(q, k, v, key_padding_mask=pad, return_weights=True)
    exp_out, exp_w = _ref(q, k, v, pad)
    close(w, exp_w, "weights (rows 0 and 1 have no allowed key)")
    close(out, exp_out, "output (rows 0 and 1 must be zeros)")


def test_large_scores_are_stable(m):
    """large scores do not overflow"""
    q, k, v = _qkv(scale=1e3)
    out = m.causal_attention(q, k, v)
    close(out, _ref(q, k, v)[0], "output with q, k ~ 1e3")
