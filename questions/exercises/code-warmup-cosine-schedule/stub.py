import math


def lr_at(step: int, max_lr: float, min_lr: float, warmup_steps: int, total_steps: int) -> float:
    """Learning rate for optimizer step `step`: linear warmup, then cosine decay to min_lr.

    `step` counts optimizer steps (not micro-batches) from 0; the value returned is the LR
    used for the update made at that step.

      warmup  (step < warmup_steps):   lr = max_lr * (step + 1) / warmup_steps
              so step 0 gets max_lr / warmup_steps (never 0, which would waste a step) and
              the last warmup step reaches max_lr.
      decay   (warmup_steps <= step < total_steps):
              progress = (step - warmup_steps) / (total_steps - warmup_steps)   in [0, 1)
              lr = min_lr + 0.5 * (max_lr - min_lr) * (1 + cos(pi * progress))
      after   (step >= total_steps):   lr = min_lr  (held flat; the cosine must not
              swing back up past the end)

    warmup_steps = 0 means no warmup: step 0 gets exactly max_lr.
    Raises ValueError if step < 0, total_steps < 1, warmup_steps < 0,
    warmup_steps > total_steps, or min_lr > max_lr (min_lr = 0 is allowed).
    Returns a Python float.
    """
    raise NotImplementedError
