import numpy as np


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    """Elementwise log(sigmoid(z)), finite for every finite z (e.g. z = -1e4 gives -1e4)."""
    raise NotImplementedError


def dpo_loss(
    policy_chosen_logps: np.ndarray,
    policy_rejected_logps: np.ndarray,
    ref_chosen_logps: np.ndarray,
    ref_rejected_logps: np.ndarray,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
) -> tuple[float, np.ndarray, np.ndarray]:
    """The DPO loss for a batch of preference pairs.

    Args:
        *_logps: float arrays (B,), each the SUM of token log-probs of the response
            (prompt tokens excluded) under the policy or the frozen reference model.
        beta: strength of the implicit KL constraint (> 0).
        label_smoothing: eps in [0, 0.5); the conservative-DPO variant that assumes
            each label is flipped with probability eps. 0 gives plain DPO.

    With the implicit rewards
        chosen_rewards   = beta * (policy_chosen_logps   - ref_chosen_logps)
        rejected_rewards = beta * (policy_rejected_logps - ref_rejected_logps)
    and z = chosen_rewards - rejected_rewards, the per-pair loss is
        -(1 - eps) * log_sigmoid(z) - eps * log_sigmoid(-z)
    and the returned loss is its mean over the batch.

    Returns:
        (loss, chosen_rewards, rejected_rewards): loss a Python float; rewards float64
        arrays (B,). Must stay finite and accurate for |z| up to 1e4 (in either
        direction), so never compute log(sigmoid(z)) directly.
    """
    raise NotImplementedError
