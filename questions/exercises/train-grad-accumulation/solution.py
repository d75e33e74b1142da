import numpy as np

IGNORE_INDEX = -100


def token_loss_and_grad(W: np.ndarray, X: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray, int]:
    """Summed cross-entropy of a toy linear LM head over the supervised tokens of one micro-batch.

    W       [d, V] float64 weight matrix; logits = X @ W
    X       [B, T, d] float64 hidden states
    labels  [B, T] int target ids in [0, V), or IGNORE_INDEX (-100) for positions that are
            not supervised (prompt, padding). Features at ignored positions may be anything
            finite and must not affect the result.

    Returns (loss_sum, grad_sum, n_tokens):
      loss_sum  sum over supervised tokens of -log softmax(X[b, t] @ W)[labels[b, t]]  (float)
      grad_sum  d loss_sum / d W, shape [d, V]  (analytic: X^T (softmax - onehot), summed)
      n_tokens  number of supervised tokens (int)
    The log-softmax must be numerically stable (logits of size 1000 must not overflow).
    A micro-batch with no supervised tokens returns (0.0, zeros [d, V], 0).
    """
    W = np.asarray(W, dtype=np.float64)
    labels = np.asarray(labels)
    sel = labels != IGNORE_INDEX
    n = int(sel.sum())
    if n == 0:
        return 0.0, np.zeros_like(W), 0
    x = np.asarray(X, dtype=np.float64)[sel]          # [n, d]
    y = labels[sel].astype(np.int64)                  # [n]
    logits = x @ W                                    # [n, V]
    z = logits - logits.max(axis=1, keepdims=True)
    logsumexp = np.log(np.exp(z).sum(axis=1))
    logprobs = z - logsumexp[:, None]
    loss_sum = float(-logprobs[np.arange(n), y].sum())
    dlogits = np.exp(logprobs)
    dlogits[np.arange(n), y] -= 1.0
    grad_sum = x.T @ dlogits
    return loss_sum, grad_sum, n


def accumulated_loss_and_grad(W: np.ndarray, micro_batches: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, np.ndarray]:
    """Gradient accumulation over micro-batches for ONE optimizer step.

    micro_batches: list of (X, labels) pairs as above; B and T may differ between them and
    they may hold very different numbers of supervised tokens (one may hold none).

    Returns (loss, grad): the mean cross-entropy over ALL supervised tokens of the step and
    its gradient w.r.t. W. This must equal what one full batch containing every token would
    give -- i.e. divide the summed loss/gradient by the total token count of the step, not
    average per-micro-batch means. If the step has no supervised tokens return (0.0, zeros).
    """
    total_loss = 0.0
    total_grad = np.zeros_like(np.asarray(W, dtype=np.float64))
    total_tokens = 0
    for X, labels in micro_batches:
        loss_sum, grad_sum, n = token_loss_and_grad(W, X, labels)
        total_loss += loss_sum
        total_grad += grad_sum
        total_tokens += n
    if total_tokens == 0:
        return 0.0, total_grad
    return total_loss / total_tokens, total_grad / total_tokens
