import math
import numpy as np
from idrill_check import close, equal


def test_identical_policies_zero(m):
    """identical log-probs give zero for all three"""
    logp = np.random.default_rng(0).normal(-2.0, 1.0, size=(3, 5))
    k1, k2, k3 = m.kl_estimators(logp, logp.copy())
    for name, k in (("k1", k1), ("k2", k2), ("k3", k3)):
        close(k, np.zeros((3, 5)), name)


def test_known_values(m):
    """per-token values match the formulas"""
    logp = np.log(np.array([[0.5, 0.2, 0.1]]))
    ref = np.log(np.array([[0.25, 0.4, 0.1]]))
    k1, k2, k3 = m.kl_estimators(logp, ref)
    log_r = np.log(np.array([[0.5, 2.0, 1.0]]))
    close(k1, -log_r, "k1")
    close(k2, 0.5 * log_r ** 2, "k2")
    close(k3, np.array([[0.5 - 1 + math.log(2), 2.0 - 1 - math.log(2), 0.0]]), "k3")


def test_signs(m):
    """k2 and k3 are non-negative, k1 can be negative"""
    rng = np.random.default_rng(0)
    logp = rng.normal(-2.0, 1.0, size=(4, 50))
    ref = rng.normal(-2.0, 1.0, size=(4, 50))
    k1, k2, k3 = m.kl_estimators(logp, ref)
    if (k2 < 0).any() or (k3 < 0).any():
        raise AssertionError("k2 and k3 must be >= 0 everywhere")
    if not (k1 < 0).any():
        raise AssertionError("k1 should be negative where ref_logp > logp")
    equal(k3.shape, (4, 50), "k3 shape")


def test_unbiased_in_expectation(m):
    """k1 and k3 average to the exact KL under pi"""
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(20))
    q = rng.dirichlet(np.ones(20))
    true_kl = float(np.sum(p * np.log(p / q)))
    # every vocabulary entry as one "sample", weighted by its probability under pi
    k1, k2, k3 = m.kl_estimators(np.log(p), np.log(q))
    close(np.sum(p * k1), true_kl, "E_pi[k1]", rtol=1e-9)
    close(np.sum(p * k3), true_kl, "E_pi[k3]", rtol=1e-9)


def test_masked_means(m):
    """means cover masked tokens only"""
    logp = np.log(np.array([[0.5, 0.2, 0.3], [0.5, 0.9, 0.9]]))
    ref = np.log(np.array([[0.25, 0.4, 1e-30], [0.5, 1e-30, 0.001]]))
    mask = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)
    got = m.kl_means(logp, ref, mask)
    log_r = np.log(np.array([0.5, 2.0, 1.0]))
    close(got["k1"], float(np.mean(-log_r)), "k1 mean")
    close(got["k2"], float(np.mean(0.5 * log_r ** 2)), "k2 mean")
    close(got["k3"], float(np.mean(np.exp(log_r) - 1 - log_r)), "k3 mean")
    close(m.masked_mean(np.array([1.0, 2.0, 99.0]), np.array([1.0, 1.0, 0.0])), 1.5, "masked_mean")


def test_empty_mask(m):
    """an empty mask gives 0.0, not NaN"""
    x = np.full((2, 3), -1.0)
    got = m.kl_means(x, x - 1.0, np.zeros((2, 3)))
    for key in ("k1", "k2", "k3"):
        close(got[key], 0.0, key)
    close(m.masked_mean(np.ones(4), np.zeros(4)), 0.0, "masked_mean")


def test_k3_no_overflow(m):
    """a huge log-ratio does not overflow k3"""
    logp = np.array([-900.0, -0.01])
    ref = np.array([-0.01, -900.0])
    _, _, k3 = m.kl_estimators(logp, ref)
    if not np.isfinite(k3).all():
        raise AssertionError(f"k3 = {k3}: expected finite values")
    close(k3, np.array([math.exp(20) - 21, math.exp(-20) + 19]), "k3 (log_r clipped to +-20)")
