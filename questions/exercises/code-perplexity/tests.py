import math
import numpy as np
from idrill_check import close, equal


def test_uniform_model(m):
    """a uniform model over V tokens has perplexity V"""
    lp = np.full((2, 5), -math.log(50))
    mask = np.ones((2, 5))
    close(m.sequence_perplexity(lp, mask), np.array([50.0, 50.0]), "per-sequence perplexity")
    close(m.corpus_perplexity(lp, mask), 50.0, "corpus perplexity")


def test_padding_ignored(m):
    """masked positions do not count"""
    lp = np.array([[-1.0, -2.0, -1e9, -1e9], [-0.5, -0.5, -0.5, -0.5]])
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], dtype=bool)
    close(m.sequence_perplexity(lp, mask), np.array([math.exp(1.5), math.exp(0.5)]), "per-sequence perplexity")
    close(m.corpus_perplexity(lp, mask), math.exp((3.0 + 2.0) / 6), "corpus perplexity")


def test_corpus_is_token_weighted(m):
    """corpus perplexity weights every token equally"""
    lp = np.zeros((2, 10))
    lp[0, 0] = -4.0            # 1-token sequence with NLL 4
    lp[1, :] = -1.0            # 10-token sequence with NLL 1 each
    mask = np.zeros((2, 10))
    mask[0, 0] = 1.0
    mask[1, :] = 1.0
    # token-weighted: exp(14 / 11); mean of per-seq NLLs would give exp(2.5)
    close(m.corpus_perplexity(lp, mask), math.exp(14 / 11), "corpus perplexity")


def test_long_sequence_no_underflow(m):
    """long sequences do not underflow"""
    lp = np.full((1, 20_000), -5.0)
    mask = np.ones((1, 20_000))
    close(m.sequence_perplexity(lp, mask), np.array([math.exp(5.0)]), "per-sequence perplexity")
    close(m.corpus_perplexity(lp, mask), math.exp(5.0), "corpus perplexity")


def test_bits_and_base(m):
    """bits per token is nats / ln 2 and gives the same perplexity"""
    rng = np.random.default_rng(0)
    lp = -rng.exponential(2.0, size=(3, 7))
    mask = (rng.random((3, 7)) < 0.7).astype(float)
    mask[:, 0] = 1.0
    nats = float(-(lp * mask).sum() / mask.sum())
    bits = m.bits_per_token(lp, mask)
    close(bits, nats / math.log(2), "bits per token")
    close(2.0 ** bits, m.corpus_perplexity(lp, mask), "2 ** bits vs corpus perplexity")


def test_bits_per_byte(m):
    """bits per byte divides total bits by the byte count"""
    lp = np.array([[-math.log(2) * 3, -math.log(2) * 5, -7.0]])
    mask = np.array([[1, 1, 0]])
    close(m.bits_per_byte(lp, mask, n_bytes=4), 2.0, "bits per byte (8 bits over 4 bytes)")
    try:
        m.bits_per_byte(lp, mask, n_bytes=0)
    except ValueError:
        pass
    else:
        raise AssertionError("expected ValueError for n_bytes = 0")


def test_empty_rows_and_empty_corpus(m):
    """an empty row is NaN; an empty corpus raises"""
    lp = np.array([[-1.0, -1.0], [-3.0, -3.0]])
    mask = np.array([[1, 1], [0, 0]])
    ppl = m.sequence_perplexity(lp, mask)
    close(ppl, np.array([math.e, np.nan]), "per-sequence perplexity")
    close(m.corpus_perplexity(lp, mask), math.e, "corpus perplexity ignores the empty row")
    try:
        m.corpus_perplexity(lp, np.zeros((2, 2)))
    except ValueError:
        pass
    else:
        raise AssertionError("expected ValueError for an empty mask")
