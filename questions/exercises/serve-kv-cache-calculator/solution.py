import math


def kv_bytes_per_token(
    n_layers: int,
    n_heads: int,
    head_dim: int,
    n_kv_heads: int | None = None,
    dtype_bytes: float = 2,
    tp: int = 1,
) -> int:
    """KV-cache bytes one token occupies on ONE GPU.

    n_layers     transformer layers
    n_heads      query heads
    head_dim     dimension per head
    n_kv_heads   key/value heads: None means multi-head attention (= n_heads); fewer means
                 grouped-query attention (GQA); 1 means multi-query attention (MQA).
                 n_heads must be divisible by n_kv_heads.
    dtype_bytes  bytes per cached element: 2 for bf16/fp16, 1 for an FP8 cache, 4 for fp32.
    tp           tensor-parallel degree. Each rank stores n_kv_heads / tp heads; when tp >
                 n_kv_heads the heads are replicated and each rank still stores 1 head. Either
                 n_kv_heads % tp == 0 or tp % n_kv_heads == 0 must hold.

    bytes = 2 (K and V) * n_layers * kv_heads_per_rank * head_dim * dtype_bytes, as an int.
    Raises ValueError on non-positive sizes or the divisibility rules above.
    """
    if n_kv_heads is None:
        n_kv_heads = n_heads
    if min(n_layers, n_heads, head_dim, n_kv_heads, tp) < 1 or dtype_bytes <= 0:
        raise ValueError("all sizes must be positive")
    if n_heads % n_kv_heads != 0:
        raise ValueError(f"n_heads ({n_heads}) must be divisible by n_kv_heads ({n_kv_heads})")
    if n_kv_heads % tp != 0 and tp % n_kv_heads != 0:
        raise ValueError(f"cannot shard {n_kv_heads} KV heads over tp={tp}")
    heads_per_rank = max(1, n_kv_heads // tp)
    return int(2 * n_layers * heads_per_rank * head_dim * dtype_bytes)


def kv_cache_bytes(per_token_bytes: int, seq_len: int, batch: int = 1) -> int:
    """Total KV-cache bytes for `batch` sequences of `seq_len` tokens each (int).
    Raises ValueError if seq_len or batch is negative."""
    if seq_len < 0 or batch < 0:
        raise ValueError("seq_len and batch must be >= 0")
    return int(per_token_bytes * seq_len * batch)


def max_concurrent_sequences(
    gpu_bytes: float,
    weight_bytes: float,
    ctx_tokens: int,
    per_token_bytes: int,
    util: float = 0.9,
    overhead_bytes: float = 0,
) -> int:
    """How many sequences of ctx_tokens tokens fit in the KV budget of one GPU.

    free = gpu_bytes * util - weight_bytes - overhead_bytes  (util: fraction of memory the
    engine may use; overhead: activations, CUDA graphs, fragmentation).
    Returns floor(free / (ctx_tokens * per_token_bytes)) as an int, and 0 (never negative)
    when the weights and overhead already exceed the budget.
    Raises ValueError if ctx_tokens < 1 or per_token_bytes < 1.
    """
    if ctx_tokens < 1 or per_token_bytes < 1:
        raise ValueError("ctx_tokens and per_token_bytes must be >= 1")
    free = gpu_bytes * util - weight_bytes - overhead_bytes
    if free <= 0:
        return 0
    return int(free // (ctx_tokens * per_token_bytes))
