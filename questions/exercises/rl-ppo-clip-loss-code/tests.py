import math
import numpy as np
from idrill_check import close, equal


def _zeros(n=2, t=3):
    return np.zeros((n, t))


def test_ratio_one(m):
    """ratio 1 gives minus the mean advantage"""
    rng = np.random.default_rng(0)
    logp = rng.normal(-2.0, 0.5, size=(2, 4))
    adv = rng.normal(size=(2, 4))
    mask = np.ones((2, 4))
    loss, clip_frac = m.ppo_clip_loss(logp, logp.copy(), logp.copy(), adv, mask)
    close(loss, -adv.mean(), "loss")
    close(clip_frac, 0.0, "clip_frac")


def test_pessimistic_clip(m):
    """positive advantage is clipped, negative is not"""
    logp = np.log(np.array([[1.5, 1.5]]))
    old = np.zeros((1, 2))
    adv = np.array([[1.0, -1.0]])
    mask = np.ones((1, 2))
    # token 0: max(-1.5, -1.2) = -1.2 ; token 1: max(1.5, 1.2) = 1.5
    loss, clip_frac = m.ppo_clip_loss(logp, old, logp.copy(), adv, mask, 0.2, 0.2)
    close(loss, (-1.2 + 1.5) / 2, "loss")
    close(clip_frac, 1.0, "clip_frac (both ratios are outside [0.8, 1.2])")


def test_asymmetric_bounds(m):
    """asymmetric eps_low / eps_high are applied"""
    ratio = np.array([[1.25, 0.7, 1.1, 0.75]])
    logp = np.log(ratio)
    old = np.zeros((1, 4))
    adv = np.array([[1.0, -1.0, 1.0, 1.0]])
    mask = np.ones((1, 4))
    loss, clip_frac = m.ppo_clip_loss(logp, old, logp.copy(), adv, mask, eps_low=0.2, eps_high=0.28)
    # 1.25 < 1.28 unclipped: -1.25 ; 0.7 -> clipped to 0.8, adv<0: max(0.7, 0.8) = 0.8
    # 1.1: -1.1 ; 0.75, adv>0: max(-0.75, -0.8) = -0.75
    close(loss, (-1.25 + 0.8 - 1.1 - 0.75) / 4, "loss")
    close(clip_frac, 0.5, "clip_frac (0.7 and 0.75 are below 0.8)")


def test_padding_ignored(m):
    """padding positions do not change the result"""
    rng = np.random.default_rng(0)
    logp = rng.normal(-1.0, 0.3, size=(2, 5))
    old = logp + rng.normal(0, 0.1, size=(2, 5))
    ref = logp + rng.normal(0, 0.1, size=(2, 5))
    adv = rng.normal(size=(2, 5))
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=float)
    base = m.ppo_clip_loss(logp, old, ref, adv, mask, kl_coef=0.1)
    logp2, old2, ref2, adv2 = logp.copy(), old.copy(), ref.copy(), adv.copy()
    logp2[0, 3:] = 5.0
    old2[0, 3:] = -30.0
    ref2[0, 3:] = -60.0
    adv2[0, 3:] = 1e3
    got = m.ppo_clip_loss(logp2, old2, ref2, adv2, mask, kl_coef=0.1)
    close(got[0], base[0], "loss with garbage in padding")
    close(got[1], base[1], "clip_frac with garbage in padding")


def test_token_mean_over_batch(m):
    """loss is one token-mean over the whole batch"""
    logp = np.zeros((2, 4))
    adv = np.array([[1.0, 0.0, 0.0, 0.0], [3.0, 3.0, 3.0, 3.0]])
    mask = np.array([[1, 0, 0, 0], [1, 1, 1, 1]], dtype=bool)
    loss, _ = m.ppo_clip_loss(logp, logp.copy(), logp.copy(), adv, mask)
    # 5 tokens: -(1 + 12) / 5 ; a mean of per-sequence means would give -2.0
    close(loss, -13.0 / 5.0, "loss")


def test_k3_kl_penalty(m):
    """k3 KL term is added with kl_coef"""
    logp = np.log(np.array([[0.5, 0.2, 0.4]]))
    ref = np.log(np.array([[0.25, 0.4, 0.4]]))
    adv = np.zeros((1, 3))
    mask = np.ones((1, 3))
    loss, _ = m.ppo_clip_loss(logp, logp.copy(), ref, adv, mask, kl_coef=0.5)
    r = np.array([0.5, 2.0, 1.0])
    k3 = r - 1 - np.log(r)
    close(loss, 0.5 * k3.mean(), "loss (kl_coef * mean k3)")


def test_empty_mask(m):
    """an empty mask returns zeros"""
    x = np.full((2, 3), -1.0)
    loss, clip_frac = m.ppo_clip_loss(x, x.copy(), x.copy(), np.ones((2, 3)), np.zeros((2, 3)), kl_coef=0.1)
    close(loss, 0.0, "loss")
    close(clip_frac, 0.0, "clip_frac")


def test_extreme_log_ratios_finite(m):
    """huge log-ratios stay finite"""
    logp = np.array([[-0.1, -800.0]])
    old = np.array([[-0.1, -0.1]])
    ref = np.array([[-900.0, -0.1]])
    adv = np.array([[1.0, -1.0]])
    mask = np.ones((1, 2))
    loss, clip_frac = m.ppo_clip_loss(logp, old, ref, adv, mask, kl_coef=0.1)
    if not (math.isfinite(loss) and math.isfinite(clip_frac)):
        raise AssertionError(f"loss={loss}, clip_frac={clip_frac}: expected finite values")
    close(clip_frac, 0.5, "clip_frac")
