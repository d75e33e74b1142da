import numpy as np


def _as_float(x) -> np.ndarray:
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _shifted(x: np.ndarray, axis: int) -> np.ndarray:
    """x minus its max along axis; an all -inf slice is shifted by 0 instead of -inf."""
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isneginf(m), np.zeros_like(m), m)
    return x - m


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax of `x` along `axis`.

    Args:
        x: array of any shape holding finite values or -inf (a masked entry).
           +inf and NaN are not supported. Integer input is treated as float64.
        axis: the axis to normalise over (negative values count from the end).

    Returns:
        An array with the same shape as `x`; float32 input gives float32 output,
        float64 (or integer) input gives float64. Each slice along `axis` sums to 1.

    Contract the caller relies on:
        - Huge logits (e.g. 1000) and very negative ones (e.g. -1000) give finite,
          correct results: no overflow, no 0/0.
        - A -inf entry gets probability exactly 0.
        - A slice that is entirely -inf (every option masked) gives all zeros,
          not NaN.
    """
    z = _shifted(_as_float(x), axis)
    e = np.exp(z)  # max entry is exp(0) = 1, so no overflow; -inf -> 0
    s = np.sum(e, axis=axis, keepdims=True)  # >= 1 unless the slice is all -inf
    return np.divide(e, s, out=np.zeros_like(e), where=s > 0)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable log-softmax of `x` along `axis`: x - logsumexp(x).

    Same input, shape and dtype rules as `softmax`.

    Contract the caller relies on:
        - Finite inputs give finite outputs, even far in the tail: log_softmax of
          [0, -800] is [0, -800] (taking log(softmax(x)) would give -inf there).
        - A -inf entry gives -inf.
        - A slice that is entirely -inf gives all -inf, not NaN.
    """
    z = _shifted(_as_float(x), axis)
    s = np.sum(np.exp(z), axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = z - np.log(s)
    return np.where(s > 0, out, np.full_like(out, -np.inf))
