from idrill_check import close, equal

KIB, GIB = 1024, 1024 ** 3


def test_mha_llama2_7b(m):
    """Llama-2-7B (MHA) needs 512 KiB per token"""
    equal(m.kv_bytes_per_token(32, 32, 128), 512 * KIB, "bytes per token")


def test_gqa_and_mqa(m):
    """GQA and MQA shrink the cache by the head ratio"""
    equal(m.kv_bytes_per_token(32, 32, 128, n_kv_heads=8), 128 * KIB, "Llama-3-8B, 8 KV heads")
    equal(m.kv_bytes_per_token(80, 64, 128, n_kv_heads=8), 320 * KIB, "Llama-3-70B, 8 KV heads")
    equal(m.kv_bytes_per_token(32, 32, 128, n_kv_heads=1), 16 * KIB, "MQA, 1 KV head")


def test_dtype_bytes(m):
    """an FP8 cache halves the bytes, fp32 doubles them"""
    equal(m.kv_bytes_per_token(32, 32, 128, n_kv_heads=8, dtype_bytes=1), 64 * KIB, "fp8")
    equal(m.kv_bytes_per_token(32, 32, 128, n_kv_heads=8, dtype_bytes=4), 256 * KIB, "fp32")


def test_total_cache(m):
    """total cache scales with tokens and batch"""
    per_tok = 512 * KIB
    equal(m.kv_cache_bytes(per_tok, 4096), 2 * GIB, "one 4K sequence of Llama-2-7B")
    equal(m.kv_cache_bytes(320 * KIB, 131072), 40 * GIB, "one 128K sequence of Llama-3-70B")
    equal(m.kv_cache_bytes(per_tok, 4096, batch=8), 16 * GIB, "batch of 8")
    equal(m.kv_cache_bytes(per_tok, 0, batch=8), 0, "empty sequences")


def test_concurrent_sequences(m):
    """Llama-3-8B on 80 GB fits about 50 full 8K sequences"""
    per_tok = m.kv_bytes_per_token(32, 32, 128, n_kv_heads=8)
    got = m.max_concurrent_sequences(80e9, 16e9, 8192, per_tok, util=0.9, overhead_bytes=2e9)
    equal(got, 50, "sequences (54e9 free bytes / 1 GiB per sequence)")
    equal(m.max_concurrent_sequences(80e9, 16e9, 8192, per_tok // 2, util=0.9, overhead_bytes=2e9), 100,
          "sequences with an FP8 cache")


def test_budget_exhausted(m):
    """weights larger than the budget give 0, not a negative count"""
    equal(m.max_concurrent_sequences(80e9, 140e9, 4096, 128 * KIB), 0, "sequences")
    equal(m.max_concurrent_sequences(24e9, 21.5e9, 4096, 128 * KIB, util=0.9), 0, "sequences")


def test_tensor_parallel_sharding(m):
    """tensor parallelism divides KV heads until one head per rank"""
    full = m.kv_bytes_per_token(80, 64, 128, n_kv_heads=8)
    equal(m.kv_bytes_per_token(80, 64, 128, n_kv_heads=8, tp=4), full // 4, "tp = 4")
    equal(m.kv_bytes_per_token(80, 64, 128, n_kv_heads=8, tp=8), full // 8, "tp = 8")
    equal(m.kv_bytes_per_token(80, 64, 128, n_kv_heads=8, tp=16), full // 8, "tp = 16 (heads replicated)")


def test_invalid_configs(m):
    """invalid head counts raise ValueError"""
    for kw in (dict(n_kv_heads=5), dict(n_kv_heads=8, tp=3), dict(n_kv_heads=0)):
        try:
            m.kv_bytes_per_token(32, 32, 128, **kw)
        except ValueError:
            continue
        raise AssertionError(f"expected ValueError for {kw}")
