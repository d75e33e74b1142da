import math

import numpy as np


def task_arithmetic(base: dict[str, np.ndarray], finetuned: list[dict[str, np.ndarray]], lam: float = 1.0) -> dict[str, np.ndarray]:
    """Task arithmetic: merged = base + lam * sum_t (finetuned_t - base), tensor by tensor.

    base       state dict: name -> array. Floating arrays are merged; arrays with a
               non-floating dtype (integer/bool buffers such as position ids) are copied
               from base unchanged.
    finetuned  list of >= 1 state dicts with exactly the same keys and shapes as base.
    Compute deltas in float64; each merged array is cast back to base's dtype.
    Returns a new dict (inputs are not modified).
    Raises ValueError if finetuned is empty or any key set / shape differs from base.
    """
    _check(base, finetuned)
    out = {}
    for name, b in base.items():
        b = np.asarray(b)
        if not _is_float(b):
            out[name] = b.copy()
            continue
        b64 = b.astype(np.float64)
        delta = sum(np.asarray(ft[name], dtype=np.float64) - b64 for ft in finetuned)
        out[name] = (b64 + lam * delta).astype(b.dtype)
    return out


def ties_merge(base: dict[str, np.ndarray], finetuned: list[dict[str, np.ndarray]], k: float = 0.2, lam: float = 1.0) -> dict[str, np.ndarray]:
    """TIES-Merging (Yadav et al. 2023), applied tensor by tensor.

    For each floating tensor, with task vectors tv_t = finetuned_t - base (float64):
      1. Trim, per task and per tensor: keep the m = max(1, floor(k * numel)) entries of
         tv_t with the largest |value| -- every entry with |value| >= the m-th largest
         |value| is kept (ties at the threshold are all kept) -- and zero the rest.
      2. Elect a sign per entry: sign(sum_t trimmed_tv_t), i.e. by total mass, not by a vote
         count. Where the sum is exactly 0 the entry gets no update.
      3. Disjoint mean: average, per entry, only the trimmed values that are non-zero AND
         have the elected sign; divide by how many such tasks there are (not by the number
         of tasks). Entries with no such task get 0.
      4. merged = base + lam * disjoint_mean, cast back to base's dtype.
    0 < k <= 1 (k = 1 keeps everything). Non-floating arrays are copied from base.
    Same validation and return conventions as task_arithmetic.
    """
    _check(base, finetuned)
    if not 0 < k <= 1:
        raise ValueError(f"k must be in (0, 1], got {k}")
    out = {}
    for name, b in base.items():
        b = np.asarray(b)
        if not _is_float(b):
            out[name] = b.copy()
            continue
        b64 = b.astype(np.float64)
        tv = np.stack([np.asarray(ft[name], dtype=np.float64) - b64 for ft in finetuned])   # [T, *shape]
        n = b.size
        m = max(1, math.floor(k * n))
        trimmed = np.zeros_like(tv)
        for t in range(tv.shape[0]):
            mag = np.abs(tv[t])
            if n == 0:
                continue
            thr = np.sort(mag, axis=None)[::-1][m - 1]
            trimmed[t] = np.where(mag >= thr, tv[t], 0.0)
        sign = np.sign(trimmed.sum(axis=0))
        agree = (np.sign(trimmed) == sign) & (trimmed != 0)
        count = agree.sum(axis=0)
        merged = np.where(agree, trimmed, 0.0).sum(axis=0) / np.maximum(count, 1)
        out[name] = (b64 + lam * merged).astype(b.dtype)
    return out


def _check(base, finetuned):
    if not finetuned:
        raise ValueError("need at least one fine-tuned model")
    for i, ft in enumerate(finetuned):
        if set(ft) != set(base):
            raise ValueError(f"model {i} has different keys from base")
        for name, arr in base.items():
            if np.shape(ft[name]) != np.shape(arr):
                raise ValueError(f"model {i}: shape of {name} is {np.shape(ft[name])}, base has {np.shape(arr)}")


def _is_float(arr):
    return np.issubdtype(np.asarray(arr).dtype, np.floating)
