import numpy as np


def causal_attention(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    key_padding_mask: np.ndarray | None = None,
    return_weights: bool = False,
):
    """Multi-head causal scaled dot-product attention (heads already split).

    Args:
        q, k: float arrays (B, H, T, d).
        v: float array (B, H, T, d_v).
        key_padding_mask: optional bool array (B, T); True marks a real token,
            False a padding position that no query may attend to. None = no padding.
        return_weights: also return the attention weights.

    Computes, for every batch b, head h and query position i:
        scores[j] = q[b, h, i] . k[b, h, j] / sqrt(d)
        weights   = softmax over the allowed keys j, where j is allowed iff
                    j <= i (causal) and key_padding_mask[b, j] is True
        out[b, h, i] = sum_j weights[j] * v[b, h, j]

    Returns:
        out, shape (B, H, T, d_v); if return_weights, the tuple (out, weights) with
        weights of shape (B, H, T, T), exactly 0 at every disallowed (future or
        padded) key, each row summing to 1.

    Edge cases the caller relies on:
        - A query row with no allowed key at all (e.g. a left-padding position whose
          only causal key is itself) gets all-zero weights and an all-zero output,
          never NaN.
        - Large scores (q and k entries around 1e3) must not overflow.
    """
    raise NotImplementedError
