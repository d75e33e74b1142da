import math
import numpy as np
from idrill_check import close, equal

D, V = 4, 6


def _batch(rng, b, t, n_sup):
    """b x t micro-batch with n_sup supervised tokens per row (the rest -100)."""
    X = rng.normal(size=(b, t, D))
    labels = rng.integers(0, V, size=(b, t))
    for row, k in enumerate(np.broadcast_to(n_sup, (b,))):
        labels[row, k:] = -100
    return X, labels


def _reference(W, X, labels):
    """Plain full-batch mean CE and gradient (independent of the module)."""
    sel = labels != -100
    x, y = X[sel], labels[sel]
    if len(y) == 0:
        return 0.0, np.zeros_like(W)
    logits = x @ W
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(len(y)), y]).mean()
    p[np.arange(len(y)), y] -= 1
    return loss, x.T @ p / len(y)


def test_uniform_logits(m):
    """zero weights give n * log V and the softmax gradient"""
    W = np.zeros((D, V))
    X = np.ones((1, 2, D))
    labels = np.array([[2, 5]])
    loss_sum, grad_sum, n = m.token_loss_and_grad(W, X, labels)
    equal(int(n), 2, "n_tokens")
    close(loss_sum, 2 * math.log(V), "loss_sum")
    expected = np.full((D, V), 2.0 / V)
    expected[:, 2] -= 1.0
    expected[:, 5] -= 1.0
    close(grad_sum, expected, "grad_sum")


def test_gradient_matches_finite_differences(m):
    """analytic gradient matches finite differences"""
    rng = np.random.default_rng(0)
    W = rng.normal(size=(D, V)) * 0.5
    X, labels = _batch(rng, 2, 5, [3, 5])
    _, grad_sum, _ = m.token_loss_and_grad(W, X, labels)
    num = np.zeros_like(W)
    h = 1e-6
    for i in range(D):
        for j in range(V):
            Wp, Wm = W.copy(), W.copy()
            Wp[i, j] += h
            Wm[i, j] -= h
            num[i, j] = (m.token_loss_and_grad(Wp, X, labels)[0] - m.token_loss_and_grad(Wm, X, labels)[0]) / (2 * h)
    close(grad_sum, num, "grad_sum vs finite differences", rtol=1e-5, atol=1e-6)


def test_ignored_positions(m):
    """-100 positions do not count or contribute"""
    rng = np.random.default_rng(0)
    W = rng.normal(size=(D, V))
    X, labels = _batch(rng, 2, 4, [2, 1])
    a = m.token_loss_and_grad(W, X, labels)
    X2 = X.copy()
    X2[labels == -100] = 1e3
    b = m.token_loss_and_grad(W, X2, labels)
    equal(int(a[2]), 3, "n_tokens")
    close(b[0], a[0], "loss_sum with garbage at ignored positions")
    close(b[1], a[1], "grad_sum with garbage at ignored positions")


def test_equals_full_batch_unequal_tokens(m):
    """accumulated gradient equals the full-batch gradient"""
    rng = np.random.default_rng(0)
    W = rng.normal(size=(D, V))
    mbs = [_batch(rng, 2, 6, [1, 1]), _batch(rng, 2, 6, [6, 5]), _batch(rng, 1, 6, [2])]
    X_full = np.concatenate([x for x, _ in mbs])
    y_full = np.concatenate([y for _, y in mbs])
    exp_loss, exp_grad = _reference(W, X_full, y_full)
    loss, grad = m.accumulated_loss_and_grad(W, mbs)
    close(loss, exp_loss, "loss")
    close(grad, exp_grad, "grad")


def test_micro_batches_of_different_shapes(m):
    """micro-batches may differ in B and T"""
    rng = np.random.default_rng(0)
    W = rng.normal(size=(D, V))
    mbs = [_batch(rng, 3, 2, [2, 1, 0]), _batch(rng, 1, 9, [9])]
    # the same tokens packed as one padded batch
    X_full = np.zeros((4, 9, D))
    y_full = np.full((4, 9), -100)
    X_full[:3, :2], y_full[:3, :2] = mbs[0]
    X_full[3:], y_full[3:] = mbs[1]
    exp_loss, exp_grad = _reference(W, X_full, y_full)
    loss, grad = m.accumulated_loss_and_grad(W, mbs)
    close(loss, exp_loss, "loss")
    close(grad, exp_grad, "grad")


def test_empty_micro_batch(m):
    """a micro-batch with no supervised tokens adds nothing"""
    rng = np.random.default_rng(0)
    W = rng.normal(size=(D, V))
    full = _batch(rng, 2, 4, [4, 2])
    empty = _batch(rng, 2, 4, [0, 0])
    a = m.accumulated_loss_and_grad(W, [full])
    b = m.accumulated_loss_and_grad(W, [empty, full, empty])
    close(b[0], a[0], "loss")
    close(b[1], a[1], "grad")
    loss, grad = m.accumulated_loss_and_grad(W, [empty])
    close(loss, 0.0, "loss of an all-empty step")
    close(grad, np.zeros((D, V)), "grad of an all-empty step")


def test_large_logits_stable(m):
    """large logits do not overflow"""
    W = np.zeros((D, V))
    W[0, 0] = 1000.0
    X = np.zeros((1, 2, D))
    X[0, :, 0] = 1.0
    labels = np.array([[0, 1]])
    loss_sum, grad_sum, _ = m.token_loss_and_grad(W, X, labels)
    close(loss_sum, 1000.0, "loss_sum (token 0 costs ~0, token 1 costs ~1000)")
    if not np.isfinite(grad_sum).all():
        raise AssertionError("grad_sum has non-finite values")
