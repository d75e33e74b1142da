import math
from idrill_check import close, equal

MAX, MIN = 3e-4, 3e-5


def test_step_zero_not_zero(m):
    """step 0 of warmup is max_lr / warmup_steps"""
    close(m.lr_at(0, MAX, MIN, 100, 1000), MAX / 100, "lr at step 0", rtol=1e-12, atol=0)


def test_linear_warmup(m):
    """warmup is linear and reaches max_lr"""
    got = [m.lr_at(s, MAX, MIN, 4, 20) for s in range(5)]
    close(got, [MAX * 0.25, MAX * 0.5, MAX * 0.75, MAX, MAX], "lr at steps 0..4", rtol=1e-12, atol=0)


def test_no_warmup(m):
    """warmup_steps = 0 starts at max_lr"""
    close(m.lr_at(0, MAX, MIN, 0, 10), MAX, "lr at step 0", rtol=1e-12, atol=0)
    close(m.lr_at(5, MAX, MIN, 0, 10), (MAX + MIN) / 2, "lr halfway", rtol=1e-12, atol=0)


def test_cosine_shape(m):
    """cosine midpoint and quarter points"""
    W, T = 10, 110
    close(m.lr_at(W + 50, MAX, MIN, W, T), (MAX + MIN) / 2, "lr at the midpoint of the decay", rtol=1e-12, atol=0)
    q = MIN + 0.5 * (MAX - MIN) * (1 + math.cos(math.pi * 0.25))
    close(m.lr_at(W + 25, MAX, MIN, W, T), q, "lr a quarter into the decay", rtol=1e-12, atol=0)


def test_end_of_schedule(m):
    """the schedule lands on min_lr at total_steps"""
    W, T = 10, 110
    last = m.lr_at(T - 1, MAX, MIN, W, T)
    exp_last = MIN + 0.5 * (MAX - MIN) * (1 + math.cos(math.pi * 99 / 100))
    close(last, exp_last, "lr at total_steps - 1", rtol=1e-12, atol=0)
    close(m.lr_at(T, MAX, MIN, W, T), MIN, "lr at total_steps", rtol=1e-12, atol=0)


def test_past_the_end_stays_flat(m):
    """steps past the end stay at min_lr"""
    got = [m.lr_at(s, MAX, 0.0, 10, 110) for s in (110, 150, 210, 10_000)]
    close(got, [0.0, 0.0, 0.0, 0.0], "lr past total_steps (min_lr = 0)", rtol=0, atol=1e-15)


def test_monotone(m):
    """rises during warmup, never rises after"""
    lrs = [m.lr_at(s, MAX, MIN, 7, 53) for s in range(60)]
    for s in range(1, 60):
        if s < 7 and not lrs[s] > lrs[s - 1]:
            raise AssertionError(f"warmup not increasing at step {s}: {lrs[s - 1]} -> {lrs[s]}")
        if s >= 7 and lrs[s] > lrs[s - 1] + 1e-18:
            raise AssertionError(f"lr increases after warmup at step {s}: {lrs[s - 1]} -> {lrs[s]}")
    if min(lrs) < MIN - 1e-18:
        raise AssertionError(f"lr {min(lrs)} dips below min_lr {MIN}")


def test_invalid_arguments(m):
    """bad arguments raise ValueError"""
    bad = [
        dict(step=-1, max_lr=MAX, min_lr=MIN, warmup_steps=0, total_steps=10),
        dict(step=0, max_lr=MAX, min_lr=MIN, warmup_steps=11, total_steps=10),
        dict(step=0, max_lr=MAX, min_lr=MIN, warmup_steps=0, total_steps=0),
        dict(step=0, max_lr=MIN, min_lr=MAX, warmup_steps=0, total_steps=10),
    ]
    for kw in bad:
        try:
            m.lr_at(**kw)
        except ValueError:
            continue
        raise AssertionError(f"expected ValueError for {kw}")
