import numpy as np


def _log_sigmoid(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))


def bt_loss(
    chosen_rewards: np.ndarray,
    rejected_rewards: np.ndarray,
    margin: float | np.ndarray | None = None,
) -> tuple[float, float]:
    """Bradley-Terry pairwise loss for reward-model training.

    Args:
        chosen_rewards, rejected_rewards: float arrays (B,), the scalar reward-model
            scores of the preferred and the dispreferred response of each pair.
        margin: None (no margin), a scalar, or an array (B,) of non-negative margins
            (Llama 2 style: larger when the rater's preference was stronger).

    Returns:
        (loss, accuracy):
        loss = mean over pairs of -log sigmoid(r_c - r_r - m), a Python float; it
            must stay finite and accurate for reward gaps up to 1e4 either way
            (never compute log(sigmoid(.)) directly).
        accuracy = fraction of pairs with r_c > r_r (strictly: a tie counts as
            wrong; the margin plays no part), a Python float.
    """
    rc = np.asarray(chosen_rewards, dtype=np.float64)
    rr = np.asarray(rejected_rewards, dtype=np.float64)
    diff = rc - rr
    z = diff if margin is None else diff - np.asarray(margin, dtype=np.float64)
    loss = float(-_log_sigmoid(z).mean())
    accuracy = float((diff > 0).mean())
    return loss, accuracy


def ranking_loss(rewards: np.ndarray) -> float:
    """InstructGPT-style loss for K-way rankings.

    Args:
        rewards: float array (N, K), K >= 2: the scores of K responses to each of N
            prompts, ordered best first (column i was preferred to column j for i < j).

    Returns:
        For each prompt, the mean of -log sigmoid(r_i - r_j) over its K*(K-1)/2 pairs
        i < j (so each prompt weighs the same, whatever K), then the mean over the N
        prompts. A Python float, computed stably.
    """
    r = np.asarray(rewards, dtype=np.float64)
    K = r.shape[1]
    i, j = np.triu_indices(K, k=1)                   # all pairs i < j
    per_pair = -_log_sigmoid(r[:, i] - r[:, j])      # (N, K(K-1)/2)
    return float(per_pair.mean(axis=1).mean())
