import numpy as np


def gae(rewards: np.ndarray, values: np.ndarray, mask: np.ndarray, gamma: float = 1.0, lam: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Generalized Advantage Estimation over a right-padded batch of LLM responses.

    rewards  [N, T] float64 per-token rewards (e.g. -beta * KL per token, plus the sequence
             score on the last real token)
    values   [N, T] float64 critic values V(s_t)
    mask     [N, T] 0/1 floats or bools: 1 on response tokens, then 0 on padding (each row is
             a run of ones followed by zeros; a row may be all zeros). Rewards and values at
             padding positions may be arbitrary finite garbage and must not leak.

    The episode ends after the last real token, so the value after it is 0. Backwards over t:
      next_value = values[:, t+1] * mask[:, t+1]   (0 when t = T-1)
      delta_t    = rewards[:, t] + gamma * next_value - values[:, t]
      A_t        = delta_t + gamma * lam * mask[:, t+1] * A_{t+1}   (mask[:, T] taken as 0)
    Returns (advantages, returns), each float64 [N, T]:
      advantages  A_t on real tokens, exactly 0 on padding (raw, not whitened)
      returns     advantages + values on real tokens (the critic's target), 0 on padding
    Sanity: lam = 0 gives the one-step TD error; gamma = lam = 1 gives the reward-to-go
    minus V_t.
    """
    raise NotImplementedError


def masked_whiten(x: np.ndarray, mask: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    """Normalise x to mean 0 and std 1 using statistics over masked tokens only:
    (x - mean) / sqrt(var + eps), population variance (ddof = 0). Padding positions are
    set to 0. If the mask is empty, return zeros."""
    raise NotImplementedError
