import math

import numpy as np


def sequence_perplexity(logprobs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per-sequence perplexity.

    logprobs  [N, T] float64: natural-log probability (log_softmax output, <= 0) that the
              model gave to each target token, already aligned (position t scores token t).
    mask      [N, T] 0/1 floats or bools: 1 on tokens that count. Masked-out positions may
              hold arbitrary finite values (e.g. -1e9) and must not affect anything.

    ppl[i] = exp( -sum_t mask[i,t] * logprobs[i,t] / sum_t mask[i,t] )
    i.e. exp of the mean negative log-likelihood in nats. Work in log space: never multiply
    probabilities (a long sequence underflows). A row with no tokens gets NaN.
    Returns float64 [N].
    """
    mask = np.asarray(mask, dtype=bool)
    nll = np.where(mask, -np.asarray(logprobs, dtype=np.float64), 0.0)
    counts = mask.sum(axis=-1)
    out = np.full(counts.shape, np.nan)
    has = counts > 0
    out[has] = np.exp(nll.sum(axis=-1)[has] / counts[has])
    return out


def corpus_perplexity(logprobs: np.ndarray, mask: np.ndarray) -> float:
    """Token-weighted corpus perplexity: exp(total NLL / total token count) over all rows.

    This is NOT the mean of the per-sequence perplexities, nor exp of the mean of the
    per-sequence mean NLLs (both over-weight short sequences). Rows with no tokens simply
    contribute nothing. Raises ValueError if the whole mask is empty.
    """
    total, count = _total_nll(logprobs, mask)
    if count == 0:
        raise ValueError("no tokens to score")
    return math.exp(total / count)


def bits_per_token(logprobs: np.ndarray, mask: np.ndarray) -> float:
    """Corpus mean NLL in bits: (total NLL in nats / total tokens) / ln 2.

    Perplexity does not depend on the log base: 2 ** bits_per_token == corpus_perplexity.
    Raises ValueError if the mask is empty.
    """
    total, count = _total_nll(logprobs, mask)
    if count == 0:
        raise ValueError("no tokens to score")
    return total / count / math.log(2)


def bits_per_byte(logprobs: np.ndarray, mask: np.ndarray, n_bytes: int) -> float:
    """Total NLL in bits divided by the number of UTF-8 bytes of the scored text:
    (total NLL in nats / ln 2) / n_bytes. Unlike perplexity it is comparable across
    tokenizers. Raises ValueError if n_bytes < 1."""
    if n_bytes < 1:
        raise ValueError("n_bytes must be >= 1")
    total, _ = _total_nll(logprobs, mask)
    return total / math.log(2) / n_bytes


def _total_nll(logprobs, mask):
    mask = np.asarray(mask, dtype=bool)
    nll = np.where(mask, -np.asarray(logprobs, dtype=np.float64), 0.0)
    return float(nll.sum()), int(mask.sum())
