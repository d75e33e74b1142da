import math
import numpy as np
from idrill_check import close, equal


def _full_causal(q, k, v):
    """Full causal attention, q (B, H, T, d), k/v (B, H_kv, T, .), GQA by h // (H // H_kv)."""
    B, H, T, d = q.shape
    g = H // k.shape[1]
    out = np.zeros((B, H, T, v.shape[-1]))
    for b in range(B):
        for h in range(H):
            for i in range(T):
                s = np.array([q[b, h, i] @ k[b, h // g, j] for j in range(i + 1)]) / math.sqrt(d)
                p = np.exp(s - s.max())
                out[b, h, i] = (p / p.sum()) @ v[b, h // g, : i + 1]
    return out


def _seq(B=2, H=4, H_kv=4, T=6, d=8, dv=5, scale=1.0):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(B, H, T, d)) * scale, rng.normal(size=(B, H_kv, T, d)) * scale,
            rng.normal(size=(B, H_kv, T, dv)))


def test_empty_cache(m):
    """with an empty cache the output is the new value"""
    q, k, v = _seq(T=1)
    out, kc, vc = m.decode_step(q[:, :, 0], k[:, :, 0], v[:, :, 0], k[:, :, :0], v[:, :, :0])
    close(out, v[:, :, 0], "output")
    equal(np.shape(kc), (2, 4, 1, 8), "k cache shape")
    equal(np.shape(vc), (2, 4, 1, 5), "v cache shape")


def test_cache_is_appended_last(m):
    """the new key/value is appended at the end of the cache"""
    q, k, v = _seq(T=5)
    _, kc, vc = m.decode_step(q[:, :, 4], k[:, :, 4], v[:, :, 4], k[:, :, :4], v[:, :, :4])
    close(kc, k, "k cache after the step")
    close(vc, v, "v cache after the step")


def test_equals_last_row_of_full_attention(m):
    """equals the last row of full causal attention"""
    q, k, v = _seq(T=6)
    out, _, _ = m.decode_step(q[:, :, 5], k[:, :, 5], v[:, :, 5], k[:, :, :5], v[:, :, :5])
    close(out, _full_causal(q, k, v)[:, :, 5], "output of the decode step")


def test_token_by_token_loop(m):
    """decoding token by token reproduces every row"""
    q, k, v = _seq(B=1, T=5)
    full = _full_causal(q, k, v)
    kc, vc = k[:, :, :0], v[:, :, :0]
    for t in range(5):
        out, kc, vc = m.decode_step(q[:, :, t], k[:, :, t], v[:, :, t], kc, vc)
        close(out, full[:, :, t], f"output at step {t}")


def test_grouped_query_heads(m):
    """GQA: query head h reads KV head h // (H // H_kv)"""
    q, k, v = _seq(H=6, H_kv=2, T=4)
    out, kc, _ = m.decode_step(q[:, :, 3], k[:, :, 3], v[:, :, 3], k[:, :, :3], v[:, :, :3])
    equal(np.shape(kc), (2, 2, 4, 8), "k cache shape (H_kv heads)")
    close(out, _full_causal(q, k, v)[:, :, 3], "output with 6 query heads over 2 KV heads")


def test_inputs_not_modified(m):
    """the caller's arrays are not modified"""
    q, k, v = _seq(T=4)
    args = (q[:, :, 3].copy(), k[:, :, 3].copy(), v[:, :, 3].copy(), k[:, :, :3].copy(), v[:, :, :3].copy())
    before = [a.copy() for a in args]
    m.decode_step(*args)
    for name, a, b in zip(("q_new", "k_new", "v_new", "k_cache", "v_cache"), args, before):
        close(a, b, f"{name} after the call")


def test_large_scores_are_stable(m):
    """large scores do not overflow"""
    q, k, v = _seq(T=4, scale=1e3)
    out, _, _ = m.decode_step(q[:, :, 3], k[:, :, 3], v[:, :, 3], k[:, :, :3], v[:, :, :3])
    close(out, _full_causal(q, k, v)[:, :, 3], "output with q, k ~ 1e3")
