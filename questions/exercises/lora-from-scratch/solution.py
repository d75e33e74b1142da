import numpy as np


def init_lora(
    in_features: int, out_features: int, r: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Initialise the two LoRA factors for a linear layer W of shape (out, in).

    Returns:
        (A, B): A of shape (r, in_features) drawn from U(-1/sqrt(in), 1/sqrt(in))
        using `rng` (what PyTorch's kaiming_uniform_(a=sqrt(5)) gives, as in PEFT);
        B of shape (out_features, r), all zeros, so the adapted layer starts out
        exactly equal to the base layer. Both float64.
    """
    bound = 1.0 / np.sqrt(in_features)
    A = rng.uniform(-bound, bound, size=(r, in_features))
    B = np.zeros((out_features, r))
    return A, B


def lora_forward(
    x: np.ndarray,
    W: np.ndarray,
    A: np.ndarray,
    B: np.ndarray,
    alpha: float,
    bias: np.ndarray | None = None,
) -> np.ndarray:
    """Forward pass of a LoRA-adapted linear layer (unmerged).

    Args:
        x: (..., in) inputs; any number of leading batch dims.
        W: (out, in) frozen base weight (the nn.Linear layout).
        A: (r, in), B: (out, r) LoRA factors. r is read from A.shape[0].
        alpha: LoRA alpha; the update is scaled by alpha / r (not by alpha).
        bias: optional (out,) base bias.

    Returns:
        (..., out): x @ W.T + bias + (alpha / r) * (x @ A.T @ B.T).
        Compute the low-rank branch as two thin matmuls; never form B @ A here.
    """
    scale = alpha / A.shape[0]
    y = x @ W.T
    if bias is not None:
        y = y + bias
    return y + scale * ((x @ A.T) @ B.T)   # (..., in) -> (..., r) -> (..., out)


def merge_lora(W: np.ndarray, A: np.ndarray, B: np.ndarray, alpha: float) -> np.ndarray:
    """Fold the adapter into the base weight for serving.

    Returns:
        A NEW (out, in) array W + (alpha / r) * B @ A, so that
        x @ merged.T + bias == lora_forward(x, W, A, B, alpha, bias).
        W itself is left unchanged.
    """
    return W + (alpha / A.shape[0]) * (B @ A)
