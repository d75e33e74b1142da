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
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    if total_steps < 1:
        raise ValueError(f"total_steps must be >= 1, got {total_steps}")
    if warmup_steps < 0 or warmup_steps > total_steps:
        raise ValueError(f"warmup_steps must be in [0, total_steps], got {warmup_steps}")
    if min_lr > max_lr:
        raise ValueError(f"min_lr ({min_lr}) must not exceed max_lr ({max_lr})")
    if step < warmup_steps:
        return float(max_lr * (step + 1) / warmup_steps)
    if step >= total_steps:
        return float(min_lr)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return float(min_lr + 0.5 * (max_lr - min_lr) * (1.0 + math.cos(math.pi * progress)))
