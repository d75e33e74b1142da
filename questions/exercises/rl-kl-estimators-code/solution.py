import numpy as np


def kl_estimators(logp: np.ndarray, ref_logp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-token single-sample estimators of KL(pi || pi_ref) (Schulman 2020).

    logp     log-prob of each sampled token under the policy pi (tokens were sampled from pi)
    ref_logp log-prob of the same tokens under the reference model
    Both are float64 arrays of the same, arbitrary shape (e.g. [N, T] or [V]).

    With log_r = ref_logp - logp (so r = pi_ref / pi):
      k1 = -log_r                       unbiased, high variance, can be negative
      k2 = 0.5 * log_r ** 2             biased, low variance, >= 0
      k3 = exp(c) - 1 - c,  c = clip(log_r, -20, 20)
                                        unbiased (before clipping), >= 0, low variance
    Return (k1, k2, k3), each with the input's shape. Only k3 is clipped, so it
    never overflows.
    """
    log_r = np.asarray(ref_logp, dtype=np.float64) - np.asarray(logp, dtype=np.float64)
    k1 = -log_r
    k2 = 0.5 * log_r ** 2
    c = np.clip(log_r, -20.0, 20.0)
    k3 = np.exp(c) - 1.0 - c
    return k1, k2, k3


def masked_mean(x: np.ndarray, mask: np.ndarray) -> float:
    """Mean of x over positions where mask is nonzero (mask: 0/1 floats or bools,
    same shape as x); values at masked-out positions may be arbitrary finite numbers.
    Returns 0.0 if the mask has no tokens."""
    mask = np.asarray(mask, dtype=bool)
    n = mask.sum()
    if n == 0:
        return 0.0
    return float(np.where(mask, x, 0.0).sum() / n)


def kl_means(logp: np.ndarray, ref_logp: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Masked token-means of the three estimators: {"k1": ..., "k2": ..., "k3": ...}
    (Python floats; all 0.0 when the mask is empty)."""
    k1, k2, k3 = kl_estimators(logp, ref_logp)
    return {"k1": masked_mean(k1, mask), "k2": masked_mean(k2, mask), "k3": masked_mean(k3, mask)}
