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
    raise NotImplementedError


def dequantize_int8(q: np.ndarray, scale: float) -> np.ndarray:
    """float64 array q * scale."""
    raise NotImplementedError


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
    raise NotImplementedError


def dequantize_int4_blockwise(q: np.ndarray, scales: np.ndarray, block_size: int) -> np.ndarray:
    """float64 array of q's shape: each value times the scale of its block."""
    raise NotImplementedError
