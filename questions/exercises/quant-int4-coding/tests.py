import numpy as np
from idrill_check import close, equal


def _w(rows=4, cols=64, seed=0):
    return np.random.default_rng(seed).normal(size=(rows, cols))


def test_int8_roundtrip(m):
    """int8 absmax: range, dtype and error within half a step"""
    x = _w(3, 50) * 3
    q, scale = m.quantize_int8_absmax(x)
    q = np.asarray(q)
    equal(q.dtype, np.dtype(np.int8), "q dtype")
    equal(q.shape, x.shape, "q shape")
    close(scale, np.abs(x).max() / 127, "scale")
    equal(int(np.abs(q).max()), 127, "max |q|")
    err = np.abs(m.dequantize_int8(q, scale) - x)
    if err.max() > scale / 2 + 1e-12:
        raise AssertionError(f"max error {err.max():.4g} exceeds scale / 2 = {scale / 2:.4g}")


def test_int8_zero_tensor(m):
    """int8: an all-zero tensor gives zeros, not NaN"""
    q, scale = m.quantize_int8_absmax(np.zeros((2, 3)))
    equal(np.asarray(q).tolist(), [[0, 0, 0], [0, 0, 0]], "q")
    close(m.dequantize_int8(q, scale), np.zeros((2, 3)), "dequantised")


def test_int4_codes_and_scales(m):
    """int4: int8 codes in [-8, 7], one absmax/7 scale per block"""
    w = _w(4, 64)
    q, scales = m.quantize_int4_blockwise(w, 16)
    q = np.asarray(q)
    equal(q.dtype, np.dtype(np.int8), "q dtype")
    equal(q.shape, (4, 64), "q shape")
    equal(np.shape(scales), (4, 4), "scales shape (rows, cols // block_size)")
    close(scales, np.abs(w.reshape(4, 4, 16)).max(axis=-1) / 7, "scales")
    if q.min() < -8 or q.max() > 7:
        raise AssertionError(f"codes outside [-8, 7]: min {q.min()}, max {q.max()}")
    equal(np.abs(q.reshape(4, 4, 16)).max(axis=-1).tolist(), [[7] * 4] * 4, "max |q| per block")


def test_int4_error_bound(m):
    """int4: every element is within half a step of its block"""
    w = _w(8, 128, seed=1) * 0.02
    q, scales = m.quantize_int4_blockwise(w, 32)
    w_hat = np.asarray(m.dequantize_int4_blockwise(q, scales, 32))
    equal(w_hat.shape, w.shape, "dequantised shape")
    bound = np.repeat(np.asarray(scales), 32, axis=-1) / 2
    over = np.abs(w_hat - w) > bound + 1e-12
    if over.any():
        i = tuple(int(t) for t in np.argwhere(over)[0])
        raise AssertionError(f"error at {i} is {abs(w_hat[i] - w[i]):.3g}, above scale / 2 = {bound[i]:.3g}")
    rel = np.linalg.norm(w_hat - w) / np.linalg.norm(w)
    if rel > 0.2:
        raise AssertionError(f"relative reconstruction error {rel:.3f} is too large for 4-bit blocks of 32")


def test_int4_outlier_stays_in_its_block(m):
    """int4: an outlier only coarsens its own block"""
    w = _w(1, 64, seed=2) * 0.01
    w[0, 3] = 5.0                                     # outlier in block 0
    per_row_q, per_row_s = m.quantize_int4_blockwise(w, 64)
    blk_q, blk_s = m.quantize_int4_blockwise(w, 16)
    err_row = np.abs(m.dequantize_int4_blockwise(per_row_q, per_row_s, 64) - w)[0, 16:].max()
    err_blk = np.abs(m.dequantize_int4_blockwise(blk_q, blk_s, 16) - w)[0, 16:].max()
    if not err_blk < 0.1 * err_row:
        raise AssertionError(f"error outside the outlier's block: {err_blk:.3g} with blocks of 16 vs "
                             f"{err_row:.3g} with one block per row; expected far smaller")


def test_int4_zero_block(m):
    """int4: an all-zero block gives zeros, not NaN"""
    w = _w(2, 32, seed=3)
    w[1, 8:16] = 0.0
    q, scales = m.quantize_int4_blockwise(w, 8)
    w_hat = np.asarray(m.dequantize_int4_blockwise(q, scales, 8))
    if np.isnan(w_hat).any() or np.isnan(np.asarray(scales, dtype=float)).any():
        raise AssertionError("NaN in the dequantised weights or the scales")
    equal(np.asarray(q)[1, 8:16].tolist(), [0] * 8, "codes of the zero block")
    close(w_hat[1, 8:16], np.zeros(8), "dequantised zero block")
    close(w_hat[0, :8], w[0, :8], "a non-zero block", atol=np.abs(w[0, :8]).max() / 14 + 1e-12)


def test_int4_rejects_bad_block_size(m):
    """int4: ValueError when the block size does not divide the row"""
    try:
        m.quantize_int4_blockwise(_w(2, 30), 16)
    except ValueError:
        return
    except NotImplementedError:
        raise
    raise AssertionError("no ValueError for 30 columns and block_size 16")
