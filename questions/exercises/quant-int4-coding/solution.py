import numpy as np


def quantize_int8_absmax(x: np.ndarray) -> tuple[np.ndarray, float]:
    """Symmetric per-tensor int8 quantisation with an absmax scale.

    Returns:
        (q, scale): scale = max|x| / 127 (a Python float) and
        q = round(x / scale) as an int8 array of x's shape, with values in [-127, 127]
        (-128 is not used, so the grid is symmetric). The entry with the largest
        magnitude maps to +-127.
        An all-zero x must not divide by zero: q is all zeros and
        dequantize_int8(q, scale) returns zeros (the scale you store is your choice).
    """
    x = np.asarray(x, dtype=np.float64)
    scale = float(np.max(np.abs(x))) / 127.0 if x.size else 0.0
    if scale == 0.0:
        return np.zeros(x.shape, dtype=np.int8), 0.0
    q = np.clip(np.round(x / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantize_int8(q: np.ndarray, scale: float) -> np.ndarray:
    """float64 array q * scale."""
    return np.asarray(q, dtype=np.float64) * scale


def quantize_int4_blockwise(w: np.ndarray, block_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric blockwise (group-wise) 4-bit quantisation.

    Args:
        w: float array (..., n). Blocks are runs of `block_size` consecutive elements
           along the LAST axis; n must be divisible by block_size, else ValueError.
        block_size: elements per block, >= 1.

    Returns:
        (q, scales):
        scales: float64 array (..., n // block_size), one per block:
            scale = max|block| / 7.
        q: int8 array with w's shape holding signed 4-bit values:
            q = clip(round(w / scale), -8, 7) (the largest-magnitude entry of each
            block maps to +-7). Packing two values per byte is not required.
        An all-zero block must not produce NaN: its q values are 0 and it
        dequantises to exact zeros (its stored scale is your choice, e.g. 0).
        Every element then satisfies |w - w_hat| <= scale_of_its_block / 2.
    """
    w = np.asarray(w, dtype=np.float64)
    n = w.shape[-1]
    if block_size < 1 or n % block_size:
        raise ValueError(f"last dim {n} is not divisible by block_size {block_size}")
    blocks = w.reshape(*w.shape[:-1], n // block_size, block_size)
    scales = np.abs(blocks).max(axis=-1) / 7.0                      # (..., n_blocks)
    safe = np.where(scales > 0, scales, 1.0)[..., None]              # zero block: divide by 1, q = 0
    q = np.clip(np.round(blocks / safe), -8, 7).astype(np.int8)
    return q.reshape(w.shape), scales


def dequantize_int4_blockwise(q: np.ndarray, scales: np.ndarray, block_size: int) -> np.ndarray:
    """float64 array of q's shape: each value times the scale of its block."""
    q = np.asarray(q, dtype=np.float64)
    blocks = q.reshape(*q.shape[:-1], q.shape[-1] // block_size, block_size)
    return (blocks * np.asarray(scales, dtype=np.float64)[..., None]).reshape(q.shape)
