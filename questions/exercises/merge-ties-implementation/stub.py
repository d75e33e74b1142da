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
    raise NotImplementedError


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
    raise NotImplementedError
