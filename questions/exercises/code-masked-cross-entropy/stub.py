import numpy as np


def masked_cross_entropy(
    logits: np.ndarray, labels: np.ndarray, ignore_index: int = -100
) -> tuple[float, int]:
    """Mean next-token cross-entropy over supervised tokens (assistant-only SFT loss).

    Args:
        logits: float array (B, T, V), the model's output at every input position.
        labels: int array (B, T), a copy of the input ids in which every position that
            must not be trained on (prompt, system turn, padding) holds `ignore_index`.
        ignore_index: label value meaning "no loss here" (-100 by convention).

    Shift convention (the same as Hugging Face causal-LM models): labels are NOT
    pre-shifted. The logits at position t predict the token at position t + 1, so
    logits[:, t] is scored against labels[:, t + 1] for t = 0 .. T-2. The logits at
    the last position and labels[:, 0] are never used.

    Returns:
        (loss, n) where n is the number of supervised targets (labels[:, 1:] !=
        ignore_index) and loss is the SUM of -log softmax(logits)[target] over those
        targets divided by n: every supervised token in the batch has equal weight,
        however the tokens are spread over the rows (not a mean of per-row means).
        If n == 0 (every target masked), returns (0.0, 0) rather than NaN.

    Must be numerically stable for large logits (e.g. 1e4). All non-ignored labels
    are valid ids in [0, V).
    """
    raise NotImplementedError
