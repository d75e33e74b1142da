import math
import numpy as np
from idrill_check import close, equal


def test_worked_example(m):
    """rewards [1, 1, 1, 0] give [0.5, 0.5, 0.5, -1.5]"""
    close(m.group_advantages(np.array([[1.0, 1.0, 1.0, 0.0]])), np.array([[0.5, 0.5, 0.5, -1.5]]),
          "advantages (unbiased std, eps 1e-6)", rtol=1e-5)


def test_no_std_scaling(m):
    """scale_by_std=False only centres (Dr. GRPO)"""
    r = np.array([[1.0, 1.0, 1.0, 0.0], [2.0, 4.0, 6.0, 8.0]])
    close(m.group_advantages(r, scale_by_std=False),
          np.array([[0.25, 0.25, 0.25, -0.75], [-3.0, -1.0, 1.0, 3.0]]), "centred advantages")


def test_groups_are_normalised_separately(m):
    """each prompt's group uses its own mean and std"""
    rng = np.random.default_rng(0)
    r = rng.normal(size=(3, 5)) * np.array([[1.0], [10.0], [0.1]]) + np.array([[0.0], [5.0], [-2.0]])
    expected = (r - r.mean(axis=1, keepdims=True)) / (r.std(axis=1, ddof=1, keepdims=True) + 1e-6)
    got = m.group_advantages(r)
    equal(np.shape(got), (3, 5), "shape")
    close(got, expected, "advantages")


def test_zero_variance_groups(m):
    """all-equal groups get zero advantages, not NaN"""
    r = np.array([[0.1, 0.1, 0.1, 0.1], [1.0, 0.0, 1.0, 0.0], [0.7, 0.7, 0.7, 0.7]])
    got = m.group_advantages(r)
    close(got[[0, 2]], np.zeros((2, 4)), "advantages of constant groups", atol=1e-8)
    close(got[1], np.array([1.0, -1.0, 1.0, -1.0]) * 0.5 / (np.std([1, 0, 1, 0], ddof=1) + 1e-6),
          "the non-constant group")
    close(m.group_advantages(np.array([[3.0], [5.0]])), np.zeros((2, 1)), "G = 1", atol=1e-8)


def test_loss_at_ratio_one(m):
    """at ratio 1 the loss is minus the mean advantage"""
    adv = np.array([1.0, -2.0, 0.5])
    lp = np.random.default_rng(0).normal(size=(3, 4)) - 2
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [0, 1, 1, 0]])
    close(m.grpo_loss(lp, lp.copy(), adv, mask), -np.mean(adv), "seq-mean loss")


def test_clipping_is_pessimistic(m):
    """the ratio is clipped only where that lowers the objective"""
    d = np.log(np.array([[1.5], [1.5], [0.5], [0.5]]))       # one token per response
    adv = np.array([1.0, -1.0, 1.0, -1.0])
    mask = np.ones((4, 1))
    # obj: min(1.5, 1.2) = 1.2;  min(-1.5, -1.2) = -1.5;  min(0.5, 0.8) = 0.5;  min(-0.5, -0.8) = -0.8
    close(m.grpo_loss(d, np.zeros((4, 1)), adv, mask, clip_eps=0.2), -np.mean([1.2, -1.5, 0.5, -0.8]), "loss")


def test_mask_excludes_positions(m):
    """masked positions and empty responses do not count"""
    rng = np.random.default_rng(1)
    new, old = rng.normal(size=(3, 5)) * 0.1 - 1, rng.normal(size=(3, 5)) * 0.1 - 1
    adv = np.array([0.7, -1.3, 2.0])
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    base = m.grpo_loss(new, old, adv, mask)
    garbage = new.copy()
    garbage[mask == 0] = 1000.0          # exp overflows to inf there; inf * 0 = NaN if masked after the fact
    close(m.grpo_loss(garbage, old, adv, mask), base, "loss after changing masked log-probs")
    ratio = np.exp(new - old)
    obj = np.minimum(ratio * adv[:, None], np.clip(ratio, 0.8, 1.2) * adv[:, None])
    close(base, -np.mean([obj[0, :3].mean(), obj[1, 0]]), "seq-mean loss (row 2 has no tokens)")
    close(m.grpo_loss(new, old, adv, np.zeros((3, 5))), 0.0, "loss with nothing masked in")


def test_token_mean_aggregation(m):
    """token-mean weights every token equally"""
    d = np.zeros((2, 4))
    adv = np.array([1.0, -1.0])
    mask = np.array([[1, 1, 1, 0], [1, 0, 0, 0]])               # 3 tokens at +1, 1 token at -1
    close(m.grpo_loss(d, d.copy(), adv, mask, aggregation="token-mean"), -(3 * 1.0 - 1.0) / 4, "token-mean loss")
    close(m.grpo_loss(d, d.copy(), adv, mask, aggregation="seq-mean"), 0.0, "seq-mean loss for the same batch")
