import numpy as np


def apply_rope(x: np.ndarray, offset=0, base: float = 10000.0) -> np.ndarray:
    """Apply rotary position embeddings to queries or keys ("rotate_half" convention).

    x       float array [..., T, D]: e.g. [B, H, T, D] queries or keys; D (head_dim) must be
            even, otherwise raise ValueError.
    offset  position of the first of the T tokens: an int, or an integer array broadcastable
            to x.shape[:-2] (e.g. shape [B, 1] for x of shape [B, H, T, D]) giving one offset
            per sequence. Token t of a sequence has position p = offset + t. Use it when
            decoding with a KV cache: the new token's position is the cache length.
    base    RoPE base theta.

    Convention (GPT-NeoX / Hugging Face Llama "rotate_half", half-split -- NOT interleaved):
      half = D // 2
      inv_freq[i] = base ** (-2 * i / D)           for i in 0 .. half-1
      angle[p, i] = p * inv_freq[i]
      dimension i is paired with dimension i + half, and each pair is rotated by angle[p, i]:
        out[..., i]        = x[..., i] * cos - x[..., i + half] * sin
        out[..., i + half] = x[..., i + half] * cos + x[..., i] * sin
      (equivalently out = x * cos_full + rotate_half(x) * sin_full with
       rotate_half(x) = concat(-x[..., half:], x[..., :half]) and cos_full = concat(cos, cos)).
    Compute angles, cos and sin in float64. Returns a float64 array of x's shape; x is not
    modified.
    Property: for q at position m and k at position n, dot(rope(q, m), rope(k, n)) depends
    only on m - n.
    """
    raise NotImplementedError
