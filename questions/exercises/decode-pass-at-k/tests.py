import math
from fractions import Fraction
from idrill_check import close, equal


def _exact(n, c, k):
    return float(1 - Fraction(math.comb(n - c, k), math.comb(n, k)))


def test_pass_at_1(m):
    """pass@1 is c / n"""
    for n, c in ((10, 3), (200, 37), (5, 5)):
        close(m.pass_at_k(n, c, 1), c / n, f"pass@1 with n={n}, c={c}", rtol=1e-12)


def test_matches_combinatorial_formula(m):
    """matches 1 - C(n-c, k) / C(n, k)"""
    for n, c, k in ((10, 2, 3), (20, 5, 10), (200, 13, 100), (50, 1, 49)):
        close(m.pass_at_k(n, c, k), _exact(n, c, k), f"pass@{k} with n={n}, c={c}", rtol=1e-9)


def test_no_correct_samples(m):
    """c = 0 gives exactly 0"""
    equal(m.pass_at_k(100, 0, 10), 0.0, "pass@10 with c=0")


def test_too_few_failures(m):
    """n - c < k gives exactly 1"""
    equal(m.pass_at_k(10, 8, 3), 1.0, "pass@3 with n=10, c=8")
    equal(m.pass_at_k(10, 10, 10), 1.0, "pass@10 with n=c=10")


def test_large_n_stable(m):
    """large n does not overflow"""
    got = m.pass_at_k(2000, 3, 1000)
    if not (isinstance(got, float) and math.isfinite(got)):
        raise AssertionError(f"got {got!r}: expected a finite float")
    close(got, _exact(2000, 3, 1000), "pass@1000 with n=2000, c=3", rtol=1e-9)


def test_invalid_arguments(m):
    """n < k and bad counts raise ValueError"""
    for args in ((5, 1, 10), (10, 11, 1), (10, -1, 1), (10, 2, 0)):
        try:
            m.pass_at_k(*args)
        except ValueError:
            continue
        raise AssertionError(f"expected ValueError for pass_at_k{args}")


def test_mean_over_problems_not_pooled(m):
    """benchmark score averages per-problem estimates"""
    # problem 1 always passes, problem 2 never: pass@5 = 0.5; pooling c=10 of n=20 would give ~0.98
    close(m.mean_pass_at_k([10, 10], [10, 0], 5), 0.5, "mean pass@5")
    close(m.mean_pass_at_k([10, 20], [2, 5], 2), (_exact(10, 2, 2) + _exact(20, 5, 2)) / 2, "mean pass@2, different n")


def test_monotone_in_k(m):
    """pass@k never decreases with k"""
    vals = [m.pass_at_k(30, 4, k) for k in range(1, 31)]
    for k in range(1, 30):
        if vals[k] < vals[k - 1] - 1e-12:
            raise AssertionError(f"pass@{k + 1} = {vals[k]} < pass@{k} = {vals[k - 1]}")
    equal(vals[-1], 1.0, "pass@30 with n=30, c=4")
