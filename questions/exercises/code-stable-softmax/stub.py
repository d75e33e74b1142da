import numpy as np


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
    raise NotImplementedError


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable log-softmax of `x` along `axis`: x - logsumexp(x).

    Same input, shape and dtype rules as `softmax`.

    Contract the caller relies on:
        - Finite inputs give finite outputs, even far in the tail: log_softmax of
          [0, -800] is [0, -800] (taking log(softmax(x)) would give -inf there).
        - A -inf entry gives -inf.
        - A slice that is entirely -inf gives all -inf, not NaN.
    """
    raise NotImplementedError
