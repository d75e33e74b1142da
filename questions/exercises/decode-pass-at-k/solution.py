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
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if n < k:
        raise ValueError(f"need n >= k samples, got n={n}, k={k}")
    if not 0 <= c <= n:
        raise ValueError(f"c must be in [0, n], got c={c}, n={n}")
    if c == 0:
        return 0.0
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1, dtype=np.float64)))


def mean_pass_at_k(ns: list[int], cs: list[int], k: int) -> float:
    """Benchmark pass@k: the mean over problems of pass_at_k(n_i, c_i, k).
    Problems may have different n. Do NOT pool samples across problems.
    Raises ValueError if ns and cs differ in length or are empty."""
    if len(ns) != len(cs) or len(ns) == 0:
        raise ValueError("ns and cs must be non-empty and of equal length")
    return float(np.mean([pass_at_k(int(n), int(c), k) for n, c in zip(ns, cs)]))
