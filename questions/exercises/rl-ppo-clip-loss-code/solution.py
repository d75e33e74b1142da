import numpy as np


def ppo_clip_loss(
    logp: np.ndarray,
    old_logp: np.ndarray,
    ref_logp: np.ndarray,
    adv: np.ndarray,
    mask: np.ndarray,
    eps_low: float = 0.2,
    eps_high: float = 0.2,
    kl_coef: float = 0.0,
) -> tuple[float, float]:
    """PPO clipped policy loss for LLM tokens, with a k3 KL penalty to a reference policy.

    Inputs (all float64 arrays of shape [N, T]; N sequences, T response positions):
      logp      log-prob of each sampled token under the current policy
      old_logp  log-prob of the same token under the policy that generated the batch
      ref_logp  log-prob of the same token under the frozen reference model
      adv       advantage of each token
      mask      1 on real response tokens, 0 on padding (float or bool). Values at
                padding positions may be arbitrary (finite) garbage and must not
                affect the result.

    Per token:
      ratio = exp(logp - old_logp)                              (computed in log space)
      pg    = max(-adv * ratio, -adv * clip(ratio, 1 - eps_low, 1 + eps_high))
      log_r = clip(ref_logp - logp, -20, 20)
      kl    = exp(log_r) - 1 - log_r                            (k3 estimator, >= 0)
      tok   = pg + kl_coef * kl

    Returns (loss, clip_frac), both Python floats:
      loss      = sum(tok * mask) / sum(mask)   -- one token-mean over the WHOLE batch,
                  not a mean of per-sequence means
      clip_frac = fraction of masked tokens with ratio < 1 - eps_low or ratio > 1 + eps_high
    If the mask has no tokens, return (0.0, 0.0).
    eps_low and eps_high may differ (e.g. DAPO's 0.2 / 0.28).
    """
    mask = np.asarray(mask, dtype=np.float64)
    n_tok = mask.sum()
    if n_tok == 0:
        return 0.0, 0.0
    log_ratio = np.where(mask > 0, logp - old_logp, 0.0)
    ratio = np.exp(log_ratio)
    adv = np.where(mask > 0, adv, 0.0)
    pg1 = -adv * ratio
    pg2 = -adv * np.clip(ratio, 1.0 - eps_low, 1.0 + eps_high)
    pg = np.maximum(pg1, pg2)
    log_r = np.clip(np.where(mask > 0, ref_logp - logp, 0.0), -20.0, 20.0)
    kl = np.exp(log_r) - 1.0 - log_r
    tok = pg + kl_coef * kl
    loss = float((tok * mask).sum() / n_tok)
    clipped = (ratio < 1.0 - eps_low) | (ratio > 1.0 + eps_high)
    clip_frac = float((clipped * mask).sum() / n_tok)
    return loss, clip_frac
