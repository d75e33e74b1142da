import itertools
import math
import numpy as np
from idrill_check import close, equal


def _nls(z):
    """Reference -log sigmoid(z)."""
    return np.logaddexp(0.0, -np.asarray(z, dtype=float))


def test_equal_rewards(m):
    """equal rewards: loss log 2, accuracy 0 (ties are wrong)"""
    r = np.array([0.3, -1.2, 5.0])
    loss, acc = m.bt_loss(r, r.copy())
    close(loss, math.log(2.0), "loss")
    close(acc, 0.0, "accuracy")


def test_hand_computed_loss(m):
    """loss is the mean of -log sigmoid(r_c - r_r)"""
    rc, rr = np.array([2.0, 0.0, -1.0]), np.array([1.0, 0.5, -3.0])
    loss, _ = m.bt_loss(rc, rr)
    close(loss, float(_nls(rc - rr).mean()), "loss")


def test_large_gaps_are_stable(m):
    """reward gaps of +-1e4 give a finite, exact loss"""
    loss, acc = m.bt_loss(np.array([1e4, -1e4]), np.array([0.0, 0.0]))
    close(loss, 0.5 * 1e4, "loss for gaps [1e4, -1e4]", rtol=1e-9)
    close(acc, 0.5, "accuracy")


def test_margin(m):
    """a margin is subtracted inside the sigmoid, scalar or per pair"""
    rc, rr = np.array([2.0, 1.0, 0.5]), np.array([1.0, 1.5, -1.0])
    close(m.bt_loss(rc, rr, margin=0.5)[0], float(_nls(rc - rr - 0.5).mean()), "loss with margin 0.5")
    mg = np.array([1.0, 0.0, 0.25])
    close(m.bt_loss(rc, rr, margin=mg)[0], float(_nls(rc - rr - mg).mean()), "loss with per-pair margins")
    close(m.bt_loss(rc, rr, margin=mg)[1], 2 / 3, "accuracy ignores the margin")


def test_accuracy(m):
    """accuracy is the fraction with r_c > r_r"""
    rc = np.array([1.0, 2.0, 3.0, 4.0, 0.0])
    rr = np.array([0.0, 2.5, 1.0, 4.0, -1.0])
    close(m.bt_loss(rc, rr)[1], 3 / 5, "accuracy")


def test_shift_invariance(m):
    """adding a constant to every reward changes nothing"""
    rng = np.random.default_rng(0)
    rc, rr = rng.normal(size=6), rng.normal(size=6)
    close(m.bt_loss(rc + 100.0, rr + 100.0)[0], m.bt_loss(rc, rr)[0], "loss after shifting all rewards by 100")


def test_ranking_loss_averages_pairs_per_prompt(m):
    """K-way: mean over the C(K,2) pairs, then over prompts"""
    rng = np.random.default_rng(0)
    r = rng.normal(size=(3, 4)) * 2
    per_prompt = [np.mean([_nls(row[i] - row[j]) for i, j in itertools.combinations(range(4), 2)]) for row in r]
    close(m.ranking_loss(r), float(np.mean(per_prompt)), "ranking loss for K = 4")


def test_ranking_loss_k2_is_pairwise(m):
    """K-way with K = 2 equals the pairwise loss"""
    rng = np.random.default_rng(1)
    r = rng.normal(size=(5, 2))
    close(m.ranking_loss(r), m.bt_loss(r[:, 0], r[:, 1])[0], "ranking loss for K = 2")
