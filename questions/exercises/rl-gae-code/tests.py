import numpy as np
from idrill_check import close, equal


def _case():
    rng = np.random.default_rng(0)
    rewards = rng.normal(size=(3, 6))
    values = rng.normal(size=(3, 6))
    mask = np.zeros((3, 6))
    mask[0, :6] = 1
    mask[1, :4] = 1
    mask[2, :1] = 1
    return rewards, values, mask


def _reference(r, v, lengths, gamma, lam):
    """Per-row loop over the real tokens only (independent of the module)."""
    adv = np.zeros_like(r)
    for i, L in enumerate(lengths):
        for t in range(L):
            total = 0.0
            for l in range(L - t):
                nv = v[i, t + l + 1] if t + l + 1 < L else 0.0
                delta = r[i, t + l] + gamma * nv - v[i, t + l]
                total += (gamma * lam) ** l * delta
            adv[i, t] = total
    return adv


def test_lambda_zero_is_td_error(m):
    """lam = 0 gives the one-step TD error"""
    r = np.array([[1.0, 2.0, 3.0]])
    v = np.array([[0.5, 1.0, 2.0]])
    adv, _ = m.gae(r, v, np.ones((1, 3)), gamma=0.9, lam=0.0)
    close(adv, np.array([[1.0 + 0.9 * 1.0 - 0.5, 2.0 + 0.9 * 2.0 - 1.0, 3.0 - 2.0]]), "advantages")


def test_gamma_lambda_one_is_reward_to_go(m):
    """gamma = lam = 1 gives reward-to-go minus V"""
    r = np.array([[0.0, 0.0, 0.0, 1.0]])
    v = np.array([[0.2, 0.4, 0.6, 0.8]])
    adv, _ = m.gae(r, v, np.ones((1, 4)), gamma=1.0, lam=1.0)
    close(adv, np.array([[0.8, 0.6, 0.4, 0.2]]), "advantages")


def test_matches_reference(m):
    """matches the discounted sum of TD errors"""
    r, v, mask = _case()
    adv, _ = m.gae(r, v, mask, gamma=0.9, lam=0.8)
    close(adv, _reference(r, v, [6, 4, 1], 0.9, 0.8), "advantages")


def test_padding_does_not_leak(m):
    """garbage at padding changes nothing"""
    r, v, mask = _case()
    base_adv, base_ret = m.gae(r, v, mask, gamma=1.0, lam=0.95)
    r2, v2 = r.copy(), v.copy()
    r2[mask == 0] = 1e3
    v2[mask == 0] = -1e4
    adv, ret = m.gae(r2, v2, mask, gamma=1.0, lam=0.95)
    close(adv, base_adv, "advantages with garbage at padding")
    close(ret, base_ret, "returns with garbage at padding")
    equal(bool(np.all(adv[mask == 0] == 0)), True, "advantages are exactly 0 on padding")


def test_returns_are_adv_plus_values(m):
    """returns = advantages + values on real tokens, 0 on padding"""
    r, v, mask = _case()
    adv, ret = m.gae(r, v, mask, gamma=0.99, lam=0.95)
    close(ret, (adv + v) * mask, "returns")


def test_all_padding_row(m):
    """an all-padding row gives zeros"""
    r, v, mask = _case()
    mask[1] = 0
    adv, ret = m.gae(r, v, mask, gamma=1.0, lam=0.95)
    close(adv[1], np.zeros(6), "advantages of the empty row")
    close(ret[1], np.zeros(6), "returns of the empty row")
    close(adv[0], _reference(r, v, [6, 0, 1], 1.0, 0.95)[0], "other rows unchanged")


def test_masked_whiten(m):
    """whitening uses masked statistics only"""
    r, v, mask = _case()
    x = r * 3 + 5
    w = m.masked_whiten(x, mask)
    sel = mask > 0
    close(w[sel].mean(), 0.0, "mean over masked tokens", atol=1e-9)
    close(w[sel].std(), 1.0, "std over masked tokens", rtol=1e-6)
    close(w[~sel], np.zeros(int((~sel).sum())), "padding")
    close(m.masked_whiten(x, np.zeros_like(mask)), np.zeros_like(x), "empty mask")
