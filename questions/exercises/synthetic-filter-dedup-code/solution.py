import hashlib

import numpy as np

PRIME = 2**31 - 1  # modulus of the hash family; also the signature value of an empty set


def shingles(text: str, n: int = 5) -> set[str]:
    """Word n-gram shingles of a text.

    Normalise by lower-casing and splitting on any whitespace; a shingle is n consecutive
    words joined by a single space. A text with 1..n-1 words gives one shingle (all its
    words joined); an empty or whitespace-only text gives an empty set.
    Example: shingles("The cat  sat on", 3) == {"the cat sat", "cat sat on"}.
    """
    words = text.lower().split()
    if not words:
        return set()
    if len(words) < n:
        return {" ".join(words)}
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def minhash_signature(shingle_set: set[str], num_perm: int = 128, seed: int = 0) -> np.ndarray:
    """MinHash signature: int64 array of shape [num_perm].

    Seeded hash family (must be followed exactly so signatures are reproducible):
      base hash   x(s) = int.from_bytes(hashlib.sha1(s.encode("utf-8")).digest()[:8], "big") % PRIME
      parameters  rng = np.random.default_rng(seed)
                  a = rng.integers(1, PRIME, size=num_perm)   # drawn first
                  b = rng.integers(0, PRIME, size=num_perm)   # drawn second
      hash i      h_i(s) = (a[i] * x(s) + b[i]) % PRIME      (fits in int64)
      signature   sig[i] = min over shingles s of h_i(s)
    An empty set gives a signature filled with PRIME.
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, PRIME, size=num_perm, dtype=np.int64)
    b = rng.integers(0, PRIME, size=num_perm, dtype=np.int64)
    if not shingle_set:
        return np.full(num_perm, PRIME, dtype=np.int64)
    x = np.array(
        [int.from_bytes(hashlib.sha1(s.encode("utf-8")).digest()[:8], "big") % PRIME for s in sorted(shingle_set)],
        dtype=np.int64,
    )
    h = (a[:, None] * x[None, :] + b[:, None]) % PRIME   # [num_perm, n_shingles]
    return h.min(axis=1).astype(np.int64)


def jaccard_estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the fraction of positions where the signatures agree.
    Raises ValueError if the signatures have different lengths."""
    sig_a, sig_b = np.asarray(sig_a), np.asarray(sig_b)
    if sig_a.shape != sig_b.shape:
        raise ValueError(f"signature lengths differ: {sig_a.shape} vs {sig_b.shape}")
    return float(np.mean(sig_a == sig_b))


def near_duplicate_clusters(
    texts: list[str],
    num_perm: int = 128,
    bands: int = 32,
    threshold: float = 0.8,
    n: int = 5,
    seed: int = 0,
) -> list[list[int]]:
    """Group near-duplicate texts with MinHash + LSH banding.

    1. Signature of every text (shingles(text, n), minhash_signature(..., num_perm, seed)).
    2. Split each signature into `bands` bands of r = num_perm // bands consecutive rows;
       two texts are candidates if ANY band is identical (bucket on the band's values).
       Raise ValueError if num_perm is not divisible by bands.
    3. Keep a candidate pair only if jaccard_estimate >= threshold.
    4. Clusters are the connected components of the kept pairs (A~B and B~C puts A, B, C
       together even if A and C are not similar).
    Texts with no shingles are never matched; each is its own cluster.

    Returns every index exactly once: a list of clusters, each a sorted list of indices,
    clusters ordered by their smallest index (singletons included). Deterministic.
    """
    if num_perm % bands != 0:
        raise ValueError(f"num_perm ({num_perm}) must be divisible by bands ({bands})")
    r = num_perm // bands
    sets = [shingles(t, n) for t in texts]
    sigs = [minhash_signature(s, num_perm, seed) for s in sets]
    parent = list(range(len(texts)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    candidates = set()
    for band in range(bands):
        buckets: dict[tuple, list[int]] = {}
        for i, sig in enumerate(sigs):
            if not sets[i]:
                continue
            key = tuple(sig[band * r:(band + 1) * r].tolist())
            buckets.setdefault(key, []).append(i)
        for members in buckets.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    candidates.add((members[x], members[y]))
    for i, j in sorted(candidates):
        if jaccard_estimate(sigs[i], sigs[j]) >= threshold:
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
