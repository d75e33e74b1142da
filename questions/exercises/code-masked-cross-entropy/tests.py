import math
import numpy as np
from idrill_check import close, equal


def _ref(logits, labels, ignore_index=-100):
    total, n = 0.0, 0
    B, T, V = logits.shape
    for b in range(B):
        for t in range(T - 1):
            y = labels[b, t + 1]
            if y == ignore_index:
                continue
            row = logits[b, t]
            m = row.max()
            total += m + math.log(np.exp(row - m).sum()) - row[y]
            n += 1
    return total / n, n


def test_hand_computed_value(m):
    """a tiny case matches the hand computation"""
    logits = np.zeros((1, 3, 2))
    logits[0, 0] = [0.0, math.log(3.0)]   # p(1) = 3/4
    logits[0, 1] = [math.log(4.0), 0.0]   # p(0) = 4/5
    labels = np.array([[7, 1, 0]])        # labels[0, 0] is never a target
    loss, n = m.masked_cross_entropy(logits, labels)
    close(loss, (-math.log(0.75) - math.log(0.8)) / 2, "loss")
    equal(n, 2, "n supervised")


def test_shift_convention(m):
    """logits at t are scored against labels at t+1"""
    rng = np.random.default_rng(0)
    B, T, V = 2, 5, 7
    labels = rng.integers(0, V, size=(B, T))
    logits = np.full((B, T, V), -20.0)
    for b in range(B):
        for t in range(T - 1):
            logits[b, t, labels[b, t + 1]] = 20.0   # confident and right about the NEXT token
    loss, n = m.masked_cross_entropy(logits, labels)
    close(loss, _ref(logits, labels)[0], "loss when every next token is predicted confidently", rtol=1e-6, atol=1e-12)
    equal(n, B * (T - 1), "n supervised")
    if loss > 1e-6:
        raise AssertionError(f"loss {loss:.3g} should be ~0: are logits[:, t] compared with labels[:, t+1]?")


def test_ignore_index_positions_do_not_count(m):
    """positions labelled -100 add nothing to the loss"""
    rng = np.random.default_rng(0)
    B, T, V = 2, 6, 5
    logits = rng.normal(size=(B, T, V))
    labels = rng.integers(0, V, size=(B, T))
    labels[0, :3] = -100      # a prompt
    labels[1, 4:] = -100      # padding
    loss, n = m.masked_cross_entropy(logits, labels)
    exp_loss, exp_n = _ref(logits, labels)
    close(loss, exp_loss, "loss")
    equal(n, exp_n, "n supervised")
    logits2 = logits.copy()
    logits2[0, 1] += 50.0     # predicts labels[0, 2], which is ignored
    close(m.masked_cross_entropy(logits2, labels)[0], exp_loss, "loss after changing logits whose target is ignored")


def test_token_weighted_not_row_mean(m):
    """normalised by supervised tokens, not by rows"""
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 6, 4)) * 3
    labels = rng.integers(0, 4, size=(2, 6))
    labels[0, 1:5] = -100     # row 0 keeps 1 target, row 1 keeps 5
    loss, n = m.masked_cross_entropy(logits, labels)
    equal(n, 6, "n supervised")
    close(loss, _ref(logits, labels)[0], "loss (sum over 6 tokens / 6)")


def test_large_logits_are_stable(m):
    """large logits give a finite, correct loss"""
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 4, 6)) * 1e4
    labels = rng.integers(0, 6, size=(2, 4))
    loss, n = m.masked_cross_entropy(logits, labels)
    if not math.isfinite(loss):
        raise AssertionError(f"loss is {loss} for logits of size ~1e4")
    close(loss, _ref(logits, labels)[0], "loss", rtol=1e-9)


def test_all_masked_batch(m):
    """an all-masked batch returns (0.0, 0), not NaN"""
    logits = np.random.default_rng(0).normal(size=(2, 3, 4))
    labels = np.full((2, 3), -100)
    labels[:, 0] = 1          # position 0 is never a target
    loss, n = m.masked_cross_entropy(logits, labels)
    close(loss, 0.0, "loss")
    equal(n, 0, "n supervised")


def test_custom_ignore_index(m):
    """honours a custom ignore_index"""
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(1, 5, 3))
    labels = np.array([[0, -1, 2, -1, 1]])
    loss, n = m.masked_cross_entropy(logits, labels, ignore_index=-1)
    exp_loss, exp_n = _ref(logits, labels, ignore_index=-1)
    close(loss, exp_loss, "loss")
    equal(n, exp_n, "n supervised")
