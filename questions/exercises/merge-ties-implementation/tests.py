import numpy as np
from idrill_check import close, equal


def _sd(w, extra=None):
    d = {"w": np.array(w, dtype=np.float64)}
    if extra is not None:
        d["pos_ids"] = extra
    return d


def test_task_arithmetic(m):
    """task arithmetic adds lam times the summed deltas"""
    base = _sd([[1.0, 2.0], [3.0, 4.0]])
    ft1 = _sd([[2.0, 2.0], [3.0, 5.0]])
    ft2 = _sd([[1.0, 0.0], [3.0, 6.0]])
    got = m.task_arithmetic(base, [ft1, ft2], lam=0.5)
    close(got["w"], np.array([[1.5, 1.0], [3.0, 5.5]]), "merged w")
    close(base["w"], np.array([[1.0, 2.0], [3.0, 4.0]]), "base must not be modified")


def test_single_model_roundtrip(m):
    """one model, k = 1, lam = 1 reproduces it"""
    rng = np.random.default_rng(0)
    base = {"a": rng.normal(size=(4, 5)), "b": rng.normal(size=(3,))}
    ft = {n: v + rng.normal(size=v.shape) for n, v in base.items()}
    got = m.ties_merge(base, [ft], k=1.0, lam=1.0)
    for n in base:
        close(got[n], ft[n], f"merged {n}")


def test_trim_keeps_top_fraction_per_task(m):
    """trim keeps the top-k fraction of each task vector"""
    base = _sd(np.zeros(10))
    # task 1: magnitudes 1..10 -> k=0.2 keeps the two largest (10 and -9)
    ft1 = _sd([1, 2, 3, 4, 5, 6, 7, 8, -9, 10])
    got = m.ties_merge(base, [ft1], k=0.2)
    close(got["w"], np.array([0, 0, 0, 0, 0, 0, 0, 0, -9, 10.0]), "merged w (one task)")
    # a second, small-magnitude task still keeps its own top 20 %, not a global threshold
    ft2 = _sd([0.5, 0.4, 0, 0, 0, 0, 0, 0, 0, 0.01])
    got = m.ties_merge(base, [ft1, ft2], k=0.2)
    close(got["w"], np.array([0.5, 0.4, 0, 0, 0, 0, 0, 0, -9, 10.0]), "merged w (two tasks)")


def test_sign_elected_by_mass(m):
    """one large delta outweighs several small opposite ones"""
    base = _sd([0.0])
    fts = [_sd([3.0]), _sd([-1.0]), _sd([-1.0])]
    got = m.ties_merge(base, fts, k=1.0)
    # sum = +1 -> sign +; only the +3 agrees -> disjoint mean 3
    close(got["w"], np.array([3.0]), "merged w")


def test_disjoint_mean_counts_agreeing_only(m):
    """the mean divides by agreeing non-zero entries"""
    base = _sd([1.0, 1.0])
    fts = [_sd([3.0, 1.0]), _sd([1.0, 1.0]), _sd([5.0, 0.5]), _sd([1.0, 3.0])]
    # entry 0: deltas 2, 0, 4, 0 -> mean of (2, 4) = 3 ; entry 1: 0, 0, -0.5, 2 -> sign +, only 2
    got = m.ties_merge(base, fts, k=1.0, lam=1.0)
    close(got["w"], np.array([4.0, 3.0]), "merged w")
    got = m.ties_merge(base, fts, k=1.0, lam=0.5)
    close(got["w"], np.array([2.5, 2.0]), "merged w with lam = 0.5")


def test_zero_sum_no_update(m):
    """exactly cancelling deltas leave the base value"""
    base = _sd([2.0, 2.0])
    fts = [_sd([3.0, 4.0]), _sd([1.0, 4.0])]
    got = m.ties_merge(base, fts, k=1.0)
    close(got["w"], np.array([2.0, 4.0]), "merged w")


def test_non_float_buffers_copied(m):
    """integer buffers are copied from base"""
    pos = np.arange(6, dtype=np.int64)
    base = _sd([0.0, 0.0], pos)
    ft = _sd([1.0, -1.0], np.arange(6, dtype=np.int64) * 7)
    for fn in (m.task_arithmetic, m.ties_merge):
        got = fn(base, [ft])
        equal(got["pos_ids"], pos, f"{fn.__name__}: pos_ids")
        equal(np.asarray(got["pos_ids"]).dtype == np.int64, True, f"{fn.__name__}: pos_ids keeps int64")


def test_mismatched_models_rejected(m):
    """mismatched keys or shapes raise ValueError"""
    base = _sd([0.0, 0.0])
    for bad in ([{"v": np.zeros(2)}], [_sd([0.0, 0.0, 0.0])], []):
        for fn in (m.task_arithmetic, m.ties_merge):
            try:
                fn(base, bad)
            except ValueError:
                continue
            raise AssertionError(f"{fn.__name__}: expected ValueError for {bad!r}")
