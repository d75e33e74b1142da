import numpy as np


def filter_probs(
    logits: np.ndarray, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0
) -> np.ndarray:
    """The next-token distribution after temperature, top-k and top-p filtering.

    Args:
        logits: float vector (V,) of next-token logits (finite values).
        temperature: >= 0. 0 means greedy decoding (see below).
        top_k: keep the k highest logits; 0 (or k >= V) disables it.
        top_p: nucleus threshold in (0, 1]; 1.0 disables it.

    Order (as in Hugging Face's logits-processor chain): divide by the temperature,
    then top-k, then top-p on the renormalised distribution left by top-k.

    Rules:
        - temperature == 0: return a one-hot vector at the argmax of the logits; ties
          go to the LOWEST index. top_k and top_p are ignored.
        - top-k keeps every token whose logit is >= the k-th largest logit, so tokens
          tied with the k-th value are ALL kept (more than k may survive).
        - top-p keeps the smallest set of most-probable tokens whose total probability
          reaches p: rank tokens by probability, highest first, equal probabilities
          in index order (lower index ranks higher); a token is kept iff the mass of
          the tokens ranked above it is < p. The top token is therefore always kept.
        - Raise ValueError for temperature < 0, top_k < 0, or top_p outside (0, 1].

    Returns:
        float64 vector (V,): zero for every removed token, the survivors renormalised
        to sum to 1. Must be stable for large logits (e.g. 1e4).
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if top_k < 0:
        raise ValueError(f"top_k must be >= 0, got {top_k}")
    if not 0.0 < top_p <= 1.0:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    x = np.asarray(logits, dtype=np.float64)
    V = x.shape[-1]
    if temperature == 0:
        out = np.zeros(V)
        out[int(np.argmax(x))] = 1.0          # np.argmax returns the first maximum
        return out
    x = x / temperature
    if 0 < top_k < V:
        kth = np.sort(x)[-top_k]              # k-th largest value
        x = np.where(x >= kth, x, -np.inf)    # ties with the k-th value survive
    probs = np.exp(x - x.max())
    probs /= probs.sum()
    if top_p < 1.0:
        order = np.argsort(-probs, kind="stable")       # highest first, ties by index
        sorted_p = probs[order]
        mass_above = np.cumsum(sorted_p) - sorted_p
        remove = np.zeros(V, dtype=bool)
        remove[order] = mass_above >= top_p             # map back to vocabulary order
        probs = np.where(remove, 0.0, probs)
        probs /= probs.sum()
    return probs


def sample(
    logits: np.ndarray,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
) -> int:
    """Draw one token id from filter_probs(logits, temperature, top_k, top_p).

    Use only `rng` for randomness (so a seeded generator makes runs reproducible).
    Returns a Python int in [0, V); a removed token is never returned.
    """
    p = filter_probs(logits, temperature, top_k, top_p)
    return int(rng.choice(p.shape[-1], p=p))
