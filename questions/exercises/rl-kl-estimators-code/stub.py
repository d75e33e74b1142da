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
    raise NotImplementedError


def masked_mean(x: np.ndarray, mask: np.ndarray) -> float:
    """Mean of x over positions where mask is nonzero (mask: 0/1 floats or bools,
    same shape as x); values at masked-out positions may be arbitrary finite numbers.
    Returns 0.0 if the mask has no tokens."""
    raise NotImplementedError


def kl_means(logp: np.ndarray, ref_logp: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Masked token-means of the three estimators: {"k1": ..., "k2": ..., "k3": ...}
    (Python floats; all 0.0 when the mask is empty)."""
    raise NotImplementedError
