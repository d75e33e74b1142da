import numpy as np
from idrill_check import close, equal


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def test_no_filtering_is_stable_softmax(m):
    """no filtering gives the softmax, even for huge logits"""
    x = np.array([1e4, 1e4 - 1.0, 1e4 - 3.0, -1e4])
    close(m.filter_probs(x), _softmax(x), "filter_probs with defaults")


def test_temperature(m):
    """temperature divides the logits before the softmax"""
    x = np.random.default_rng(0).normal(size=8)
    close(m.filter_probs(x, temperature=0.5), _softmax(x / 0.5), "T = 0.5")
    close(m.filter_probs(x, temperature=2.0), _softmax(x / 2.0), "T = 2")


def test_temperature_zero_is_greedy(m):
    """T = 0 is greedy with ties to the lowest index"""
    x = np.array([0.5, 3.0, -1.0, 3.0])
    close(m.filter_probs(x, temperature=0.0), np.array([0.0, 1.0, 0.0, 0.0]), "T = 0")
    close(m.filter_probs(x, temperature=0.0, top_k=1, top_p=0.1), np.array([0.0, 1.0, 0.0, 0.0]),
          "T = 0 with top-k/top-p set")


def test_top_k_keeps_ties(m):
    """top-k keeps the k best, plus ties with the k-th"""
    x = np.array([1.0, 4.0, 2.0, 3.0, 0.0])
    p = _softmax(np.array([4.0, 3.0]))
    close(m.filter_probs(x, top_k=2), np.array([0.0, p[0], 0.0, p[1], 0.0]), "top_k = 2")
    y = np.array([3.0, 2.0, 2.0, 1.0])
    p = _softmax(np.array([3.0, 2.0, 2.0]))
    close(m.filter_probs(y, top_k=2), np.array([p[0], p[1], p[2], 0.0]), "top_k = 2 with a tie at the 2nd value")
    close(m.filter_probs(y, top_k=10), _softmax(y), "top_k larger than V")


def test_top_p_threshold(m):
    """top-p keeps the smallest set reaching p"""
    probs = np.array([0.1, 0.5, 0.15, 0.25])
    x = np.log(probs)
    close(m.filter_probs(x, top_p=0.74), np.array([0.0, 0.5, 0.0, 0.25]) / 0.75, "p = 0.74")
    close(m.filter_probs(x, top_p=0.76), np.array([0.0, 0.5, 0.15, 0.25]) / 0.9, "p = 0.76")
    close(m.filter_probs(x, top_p=1e-9), np.array([0.0, 1.0, 0.0, 0.0]), "tiny p keeps the top token")
    close(m.filter_probs(x, top_p=1.0), probs, "p = 1")


def test_top_p_ties_by_index(m):
    """top-p breaks probability ties by lower index"""
    x = np.array([1.0, 2.0, 1.0])       # probs ~ [0.212, 0.576, 0.212]
    p = _softmax(np.array([1.0, 2.0]))
    close(m.filter_probs(x, top_p=0.7), np.array([p[0], p[1], 0.0]), "p = 0.7 with tied tokens 0 and 2")


def test_top_k_applies_before_top_p(m):
    """top-p runs on the distribution left by top-k"""
    x = np.log(np.array([0.4, 0.3, 0.2, 0.1]))
    # after top-k=2: [4/7, 3/7]; 4/7 >= 0.5 so top-p keeps only token 0
    close(m.filter_probs(x, top_k=2, top_p=0.5), np.array([1.0, 0.0, 0.0, 0.0]), "top_k = 2 then top_p = 0.5")


def test_sample_follows_filtered_distribution(m):
    """samples follow the filtered distribution"""
    rng = np.random.default_rng(0)
    x = np.log(np.array([0.1, 0.45, 0.05, 0.4]))
    expected = np.array([0.0, 0.45, 0.0, 0.4]) / 0.85   # top_p = 0.8 keeps tokens 1 and 3
    n = 3000
    counts = np.zeros(4)
    for _ in range(n):
        t = m.sample(x, rng, top_p=0.8)
        if not isinstance(t, (int, np.integer)):
            raise AssertionError(f"sample returned {type(t).__name__}, expected an int")
        counts[t] += 1
    equal(counts[[0, 2]].tolist(), [0.0, 0.0], "draws of removed tokens")
    close(counts / n, expected, "empirical frequencies", atol=0.04)
    greedy = {m.sample(x, rng, temperature=0.0) for _ in range(20)}
    equal(greedy, {1}, "set of greedy draws")
