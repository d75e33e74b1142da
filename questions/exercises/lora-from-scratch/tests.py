import numpy as np
from idrill_check import close, equal


def _layer(d_in=6, d_out=4, r=2, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(d_out, d_in))
    A = rng.normal(size=(r, d_in))
    B = rng.normal(size=(d_out, r))
    b = rng.normal(size=d_out)
    x = rng.normal(size=(5, d_in))
    return x, W, A, B, b


def test_init_shapes_and_zero_b(m):
    """init: A is (r, in) and small, B is (out, r) zeros"""
    A, B = m.init_lora(16, 8, 4, np.random.default_rng(0))
    equal(np.shape(A), (4, 16), "A shape")
    equal(np.shape(B), (8, 4), "B shape")
    close(B, np.zeros((8, 4)), "B")
    A = np.asarray(A)
    if not np.all(np.abs(A) <= 1 / np.sqrt(16) + 1e-12):
        raise AssertionError(f"A has entries beyond 1/sqrt(in) = 0.25: max |A| = {np.abs(A).max():.3f}")
    if np.count_nonzero(A) < A.size // 2:
        raise AssertionError("A is (mostly) zero: with A = B = 0 the adapter gets no gradient")


def test_starts_equal_to_base(m):
    """a freshly initialised adapter leaves the output unchanged"""
    x, W, _, _, b = _layer(d_in=16, d_out=8)
    A, B = m.init_lora(16, 8, 4, np.random.default_rng(1))
    close(m.lora_forward(x, W, A, B, alpha=8.0, bias=b), x @ W.T + b, "output at init")


def test_forward_value(m):
    """forward adds (alpha / r) * x A^T B^T"""
    x, W, A, B, _ = _layer(d_in=6, d_out=4, r=2)
    expected = x @ W.T + (16.0 / 2) * (x @ A.T @ B.T)
    close(m.lora_forward(x, W, A, B, alpha=16.0), expected, "output with alpha = 16, r = 2")


def test_bias_and_batch_dims(m):
    """works with a bias and extra leading dims"""
    _, W, A, B, b = _layer(d_in=6, d_out=4, r=3)
    x = np.random.default_rng(2).normal(size=(2, 3, 6))
    y = m.lora_forward(x, W, A, B, alpha=6.0, bias=b)
    equal(np.shape(y), (2, 3, 4), "output shape")
    close(y, x @ W.T + b + 2.0 * (x @ A.T @ B.T), "output")


def test_merge_matches_unmerged(m):
    """merged weight gives the same output"""
    x, W, A, B, b = _layer(d_in=7, d_out=3, r=2)
    merged = m.merge_lora(W, A, B, alpha=4.0)
    equal(np.shape(merged), (3, 7), "merged shape (out, in)")
    close(x @ np.asarray(merged).T + b, m.lora_forward(x, W, A, B, alpha=4.0, bias=b), "merged vs unmerged output")
    close(merged, W + 2.0 * B @ A, "merged weight")


def test_merge_leaves_base_untouched(m):
    """merge returns a new array and leaves W unchanged"""
    _, W, A, B, _ = _layer()
    W0 = W.copy()
    merged = m.merge_lora(W, A, B, alpha=2.0)
    close(W, W0, "W after merge")
    if np.shares_memory(np.asarray(merged), W):
        raise AssertionError("merge_lora returned W itself (modified in place)")
