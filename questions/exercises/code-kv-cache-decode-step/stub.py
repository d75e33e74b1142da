import numpy as np


def decode_step(
    q_new: np.ndarray,
    k_new: np.ndarray,
    v_new: np.ndarray,
    k_cache: np.ndarray,
    v_cache: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One autoregressive decoding step of attention with a KV cache.

    Args:
        q_new: float (B, H, d), the query of the newly generated token.
        k_new: float (B, H_kv, d), its key.   v_new: float (B, H_kv, d_v), its value.
        k_cache: float (B, H_kv, L, d), keys of the L earlier positions (L may be 0).
        v_cache: float (B, H_kv, L, d_v), their values.
        H must be a multiple of H_kv. H_kv == H is ordinary multi-head attention;
        H_kv < H is grouped-query attention: query head h uses KV head h // (H // H_kv)
        (consecutive query heads share a KV head). All sequences in the batch have the
        same length (no padding in the cache).

    Steps: append k_new / v_new to the cache along the position axis, then let the new
    query attend over ALL L + 1 cached positions (no causal mask is needed: every
    cached position is in the past or is the token itself), with scores scaled by
    1 / sqrt(d) and a numerically stable softmax.

    Returns:
        (out, k_cache_new, v_cache_new): out is (B, H, d_v); the new caches are
        (B, H_kv, L + 1, ·) with the new entry LAST. The input arrays are not modified.

    The result must equal the last row of full causal attention over the L + 1 tokens.
    """
    raise NotImplementedError
