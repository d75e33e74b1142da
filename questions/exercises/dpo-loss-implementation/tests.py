import math
import numpy as np
from idrill_check import close, equal


def _ls(z):
    """Reference log-sigmoid via logaddexp."""
    return -np.logaddexp(0.0, -np.asarray(z, dtype=float))


def test_log_sigmoid(m):
    """log_sigmoid is accurate and finite at +-1e4"""
    z = np.array([-1e4, -30.0, -1.0, 0.0, 2.0, 40.0, 1e4])
    close(m.log_sigmoid(z), _ls(z), "log_sigmoid", rtol=1e-9, atol=1e-300)


def test_policy_equals_reference(m):
    """policy == reference gives loss log 2 and zero rewards"""
    lp = np.array([-12.0, -30.5, -7.25])
    loss, cr, rr = m.dpo_loss(lp, lp - 3.0, lp, lp - 3.0, beta=0.1)
    close(loss, math.log(2.0), "loss")
    close(cr, np.zeros(3), "chosen rewards")
    close(rr, np.zeros(3), "rejected rewards")


def test_hand_computed_batch(m):
    """loss is the batch mean of -log sigmoid(z); rewards use beta"""
    pc, pr = np.array([-10.0, -20.0]), np.array([-12.0, -19.0])
    rc, rr = np.array([-11.0, -20.0]), np.array([-11.0, -21.0])
    loss, cr, rr_out = m.dpo_loss(pc, pr, rc, rr, beta=0.5)
    close(cr, np.array([0.5, 0.0]), "chosen rewards = beta * (pi_c - ref_c)")
    close(rr_out, np.array([-0.5, 1.0]), "rejected rewards = beta * (pi_r - ref_r)")
    close(loss, float(np.mean(-_ls(np.array([1.0, -1.0])))), "loss")


def test_huge_negative_margin_is_finite(m):
    """a huge wrong-way margin gives a finite, exact loss"""
    loss, _, _ = m.dpo_loss(np.array([-1e5]), np.array([0.0]), np.array([0.0]), np.array([0.0]), beta=0.1)
    close(loss, 1e4, "loss for z = -1e4")


def test_huge_positive_margin_is_tiny(m):
    """a huge right-way margin gives a loss of ~0, not NaN"""
    loss, _, _ = m.dpo_loss(np.array([1e5, 0.0]), np.array([0.0, -50.0]), np.zeros(2), np.zeros(2), beta=0.1)
    close(loss, float(np.mean(-_ls(np.array([1e4, 5.0])))), "loss for z = [1e4, 5]", rtol=1e-9)


def test_shared_shift_does_not_change_loss(m):
    """only log-ratio differences matter"""
    rng = np.random.default_rng(0)
    pc, pr, rc, rr = (rng.normal(size=4) * 10 - 50 for _ in range(4))
    base = m.dpo_loss(pc, pr, rc, rr, beta=0.2)[0]
    shifted = m.dpo_loss(pc + 7.0, pr + 7.0, rc, rr, beta=0.2)[0]
    close(shifted, base, "loss after adding 7 to both policy log-probs")


def test_label_smoothing(m):
    """label smoothing mixes in the flipped-label loss"""
    pc, pr, rc, rr = np.array([-5.0, -9.0]), np.array([-8.0, -6.0]), np.array([-6.0, -7.0]), np.array([-7.0, -7.0])
    z = 0.1 * ((pc - rc) - (pr - rr))
    expected = float(np.mean(-0.9 * _ls(z) - 0.1 * _ls(-z)))
    close(m.dpo_loss(pc, pr, rc, rr, beta=0.1, label_smoothing=0.1)[0], expected, "loss with eps = 0.1")
