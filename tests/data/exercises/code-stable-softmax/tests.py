import numpy as np
from idrill_check import close, equal


def _naive_softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def test_matches_naive_on_small_logits(m):
    """matches the textbook formula on small logits"""
    x = np.random.default_rng(0).normal(size=(4, 6))
    close(m.softmax(x), _naive_softmax(x), "softmax")
    close(m.log_softmax(x), np.log(_naive_softmax(x)), "log_softmax")


def test_large_logits_do_not_overflow(m):
    """large logits do not overflow"""
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -1000.0]])
    expected = np.array([_naive_softmax(np.array([0.0, 1.0, 2.0])), [1 / 3, 1 / 3, 1 / 3]])
    close(m.softmax(x), expected, "softmax of [1000, 1001, 1002] / [-1000]*3")
    close(m.log_softmax(x), np.log(expected), "log_softmax of the same rows")


def test_log_softmax_keeps_the_tail(m):
    """log_softmax stays finite far in the tail"""
    x = np.array([0.0, -800.0])
    close(m.log_softmax(x), np.array([0.0, -800.0]), "log_softmax([0, -800])")


def test_other_axis(m):
    """normalises over the requested axis"""
    x = np.random.default_rng(0).normal(size=(3, 4, 5)) * 5
    expected = np.moveaxis(_naive_softmax(np.moveaxis(x, 1, -1)), -1, 1)
    close(m.softmax(x, axis=1), expected, "softmax(x, axis=1)")
    equal(np.shape(m.log_softmax(x, axis=0)), x.shape, "log_softmax(x, axis=0).shape")
    close(np.exp(m.log_softmax(x, axis=0)).sum(axis=0), np.ones((4, 5)), "exp(log_softmax).sum(axis=0)")


def test_neg_inf_mask(m):
    """-inf entries get zero probability"""
    x = np.array([2.0, -np.inf, 0.0, -np.inf])
    p = _naive_softmax(np.array([2.0, 0.0]))
    close(m.softmax(x), np.array([p[0], 0.0, p[1], 0.0]), "softmax with -inf mask")
    close(
        m.log_softmax(x),
        np.array([np.log(p[0]), -np.inf, np.log(p[1]), -np.inf]),
        "log_softmax with -inf mask",
    )


def test_fully_masked_row(m):
    """an all -inf row gives zeros / -inf, not NaN"""
    x = np.array([[-np.inf, -np.inf, -np.inf], [0.0, 0.0, np.log(2.0)]])
    close(m.softmax(x), np.array([[0.0, 0.0, 0.0], [0.25, 0.25, 0.5]]), "softmax with an all -inf row")
    close(
        m.log_softmax(x),
        np.array([[-np.inf] * 3, np.log([0.25, 0.25, 0.5])]),
        "log_softmax with an all -inf row",
    )


def test_float32_stays_float32(m):
    """float32 input gives float32 output"""
    x = np.array([[100.0, 90.0, 80.0]], dtype=np.float32)
    p, lp = m.softmax(x), m.log_softmax(x)
    equal(np.asarray(p).dtype, np.dtype(np.float32), "softmax dtype")
    equal(np.asarray(lp).dtype, np.dtype(np.float32), "log_softmax dtype")
    close(p, _naive_softmax(x.astype(np.float64) - 100.0), "float32 softmax", rtol=1e-5, atol=1e-7)
