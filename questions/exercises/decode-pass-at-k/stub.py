import numpy as np


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem (Chen et al. 2021).

    n samples were drawn, c of them passed; estimate the probability that at least one of
    k samples passes:  1 - C(n - c, k) / C(n, k).

    Compute it with the numerically stable product form
        1 - prod_{i = n - c + 1}^{n} (1 - k / i)
    (binomial coefficients such as C(2000, 1000) overflow floats).
    Edge cases:
      c == 0           -> 0.0
      n - c < k        -> 1.0   (every k-subset contains a passing sample)
      k == 1           -> c / n
    Raises ValueError if k < 1, n < k (the estimator needs at least k samples),
    or c is outside [0, n]. Returns a Python float in [0, 1].
    """
    raise NotImplementedError


def mean_pass_at_k(ns: list[int], cs: list[int], k: int) -> float:
    """Benchmark pass@k: the mean over problems of pass_at_k(n_i, c_i, k).
    Problems may have different n. Do NOT pool samples across problems.
    Raises ValueError if ns and cs differ in length or are empty."""
    raise NotImplementedError
