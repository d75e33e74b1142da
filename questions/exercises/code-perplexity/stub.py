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
    raise NotImplementedError


def corpus_perplexity(logprobs: np.ndarray, mask: np.ndarray) -> float:
    """Token-weighted corpus perplexity: exp(total NLL / total token count) over all rows.

    This is NOT the mean of the per-sequence perplexities, nor exp of the mean of the
    per-sequence mean NLLs (both over-weight short sequences). Rows with no tokens simply
    contribute nothing. Raises ValueError if the whole mask is empty.
    """
    raise NotImplementedError


def bits_per_token(logprobs: np.ndarray, mask: np.ndarray) -> float:
    """Corpus mean NLL in bits: (total NLL in nats / total tokens) / ln 2.

    Perplexity does not depend on the log base: 2 ** bits_per_token == corpus_perplexity.
    Raises ValueError if the mask is empty.
    """
    raise NotImplementedError


def bits_per_byte(logprobs: np.ndarray, mask: np.ndarray, n_bytes: int) -> float:
    """Total NLL in bits divided by the number of UTF-8 bytes of the scored text:
    (total NLL in nats / ln 2) / n_bytes. Unlike perplexity it is comparable across
    tokenizers. Raises ValueError if n_bytes < 1."""
    raise NotImplementedError
