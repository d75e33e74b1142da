import numpy as np


def group_advantages(rewards: np.ndarray, scale_by_std: bool = True, eps: float = 1e-6) -> np.ndarray:
    """GRPO group-relative advantages (outcome rewards).

    Args:
        rewards: float array (num_prompts, G): row i holds the rewards of the G
            responses sampled for prompt i.
        scale_by_std: divide by the group's std (original GRPO). False gives the
            Dr. GRPO variant: centring only.
        eps: added to the std before dividing.

    Returns:
        float64 array (num_prompts, G):
            (r - mean(row)) / (std(row) + eps)   if scale_by_std
            (r - mean(row))                      otherwise
        where std is the UNBIASED sample std (divide by G - 1; torch.std's default,
        as in TRL's GRPO trainer). Each row is normalised on its own, never with
        the batch's statistics.
        A group whose rewards are all equal (including G == 1) gets zero advantages
        (within 1e-8), never NaN: it carries no learning signal.
    """
    raise NotImplementedError


def grpo_loss(
    logp_new: np.ndarray,
    logp_old: np.ndarray,
    advantages: np.ndarray,
    mask: np.ndarray,
    clip_eps: float = 0.2,
    aggregation: str = "seq-mean",
) -> float:
    """The clipped GRPO surrogate loss (no KL term), to be MINIMISED.

    Args:
        logp_new, logp_old: float arrays (N, T), per-token log-probs of the sampled
            tokens under the current policy and under the policy that generated them.
            N = num_prompts * G rows, prompt-major (advantages.reshape(-1) order).
        advantages: float array (N,), one per response, shared by all its tokens.
        mask: array (N, T) of 0/1 (or bool): 1 on generated tokens, 0 on prompt and
            padding positions. Masked positions must not affect the result, whatever
            their log-prob values.
        clip_eps: the PPO clip range; ratios are clipped to [1 - eps, 1 + eps].
        aggregation: how token terms are averaged.

    Per token: ratio = exp(logp_new - logp_old) and
        obj = min(ratio * A, clip(ratio, 1 - clip_eps, 1 + clip_eps) * A).
    aggregation == "seq-mean" (original GRPO): average obj over each response's
        masked tokens, then over responses; responses with no masked token are
        skipped (not counted).
    aggregation == "token-mean" (DAPO): sum obj over all masked tokens in the batch
        and divide by the number of masked tokens.
    Returns -objective as a Python float; 0.0 if no token is masked in.
    Any other aggregation value raises ValueError.
    """
    raise NotImplementedError
