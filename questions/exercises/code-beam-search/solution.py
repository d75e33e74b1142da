from typing import Callable

import numpy as np


def beam_search(
    next_logprobs: Callable[[tuple[int, ...]], np.ndarray],
    beam_width: int,
    max_len: int,
    eos_id: int,
    length_penalty: float = 0.0,
) -> list[tuple[tuple[int, ...], float]]:
    """Beam search over a toy language model.

    Args:
        next_logprobs: the model. next_logprobs(prefix) takes the tuple of tokens
            generated so far (the empty tuple at the first step; the prompt is baked
            into the callable) and returns a float vector (V,) of log-probabilities for
            the next token. Entries may be -inf (token impossible).
        beam_width: B >= 1, the number of hypotheses kept per step.
        max_len: maximum number of generated tokens, EOS included.
        eos_id: the end-of-sequence token id.
        length_penalty: alpha >= 0 for the final ranking (0 = raw sums).

    Algorithm (follow it exactly; the tests compare results):
        alive = [()] with score 0.0; finished = [].
        Repeat at most max_len times, stopping early when alive is empty:
          1. Expand every alive hypothesis by every token whose log-prob is finite:
             new score = old score + log-prob. Never call next_logprobs on, or
             extend, a hypothesis that ends with eos_id.
          2. Rank all expansions by score, highest first (equal scores: the
             lexicographically smaller token tuple first) and keep the top B.
          3. Kept expansions ending in eos_id move to `finished`; the rest form the
             new alive list (so the beam shrinks as hypotheses finish).
        After the loop, hypotheses still alive (they hit max_len without EOS) are
        added to finished as they are.

    Final score of a finished hypothesis with token tuple y (EOS counted in len(y)):
        sum of its log-probs / len(y) ** length_penalty
    (alpha = 0: raw log-prob sum, which favours short outputs; alpha = 1: mean
    log-prob per token.) Pruning in step 2 uses raw sums; every expansion at a step
    has the same length, so normalising there would not change the ranking.

    Returns:
        Every finished hypothesis as (tokens, final_score), best first (equal scores:
        lexicographically smaller tuple first). tokens is a tuple of Python ints.
    """
    alive: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
    finished: list[tuple[tuple[int, ...], float]] = []
    for _ in range(max_len):
        if not alive:
            break
        candidates = []
        for seq, score in alive:
            lp = np.asarray(next_logprobs(seq), dtype=np.float64)
            for tok in np.flatnonzero(np.isfinite(lp)):
                candidates.append((seq + (int(tok),), score + float(lp[tok])))
        candidates.sort(key=lambda c: (-c[1], c[0]))
        alive = []
        for seq, score in candidates[:beam_width]:
            (finished if seq[-1] == eos_id else alive).append((seq, score))
    finished.extend(alive)
    ranked = [(seq, score / len(seq) ** length_penalty) for seq, score in finished if seq]
    ranked.sort(key=lambda c: (-c[1], c[0]))
    return ranked
