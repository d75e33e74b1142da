"""Deterministic synthetic data for scripts/bench: a large question bank and a long review history.

The bank looks like the built-in one (same fields, similar text lengths, a mix of plain, quoted and
block scalars) so the loader does realistic work; the history is written with plain SQL into a
database created by the real `Store` (so the schema and migrations are the project's own), because
100,000 ratings through `app.rate.rate_card` would take minutes.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 20260115
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # the bench's pinned clock (IDRILL_NOW)
FORMAT = 3  # bump when the generator's output changes, so a stale .bench/ is regenerated

TOPICS = [
    "alignment", "compression", "data", "decisions", "decoding", "evaluation",
    "foundations", "peft", "scenarios", "training", "serving", "safety",
]  # fmt: skip
SENIORITIES = ("screen", "mid", "senior", "staff")
FREQUENCIES = ("very-common", "common", "occasional")
KINDS = ("conceptual", "scenario", "design", "debugging", "coding")
_VOCABULARY = (
    "model gradient loss token batch layer adapter rank memory throughput latency reward policy "
    "preference dataset eval benchmark checkpoint optimizer schedule warmup decay attention head "
    "context window quantization precision bf16 fp8 kernel shard pipeline tensor expert router "
    "sampling temperature nucleus beam logits entropy perplexity calibration contamination "
    "dedup filter tokenizer vocabulary embedding projection residual norm dropout overfit "
    "regularize distill teacher student prune sparse dense KV-cache prefill decode speculative "
    "draft verify accept reject judge rubric annotator agreement drift shift robust adversarial "
    "jailbreak refusal helpful harmless honest DPO PPO GRPO SFT RLHF LoRA QLoRA ZeRO FSDP the a of "
    "and to in for with on by from that which because while when so but not more less than about "
    "≈2× 16 B/param 7B 70B 1e-4 3e-5 0.1% 8k 32k 128k → ×"
)
WORDS = tuple(_VOCABULARY.split())
TAGS = [f"tag-{i}" for i in range(60)]
_PLAIN_OK = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.()/%≈→×+-]*[A-Za-z0-9.)%]$")


def _text(rng: random.Random, low: int, high: int) -> str:
    """Words up to a length drawn from [low, high] characters, as one sentence."""
    target = rng.randint(low, high)
    words: list[str] = []
    size = 0
    while size < target:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:] + "."


def _scalar(value: str) -> str:
    """Plain when YAML would read it back unchanged, otherwise double-quoted (JSON is valid YAML)."""
    if _PLAIN_OK.match(value) and ": " not in value and " #" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def card_ids(n_cards: int) -> list[str]:
    return [f"{TOPICS[i % len(TOPICS)]}-card-{i:05d}" for i in range(n_cards)]


def _card_yaml(rng: random.Random, card_id: str, ids: list[str]) -> str:
    lines = [f"  - id: {card_id}", f"    question: {_scalar(_text(rng, 50, 180))}", "    outline:"]
    lines += [f"      - {_scalar(_text(rng, 70, 200))}" for _ in range(rng.randint(3, 6))]
    numbers = rng.randint(0, 3)
    if numbers:
        lines.append("    numbers:")
        for _ in range(numbers):
            lines.append(
                f'      - figure: "{rng.randint(1, 999)} {rng.choice(["GB", "ms", "%", "B/param"])}"'
            )
            lines.append(f"        about: {_scalar(_text(rng, 30, 90))}")
    lines.append("    follow_ups:")
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.4:
            lines.append(f"      - {_scalar(_text(rng, 40, 110))}")
        else:
            lines.append(f"      - question: {_scalar(_text(rng, 40, 110))}")
            if rng.random() < 0.3:  # a folded block scalar, as hand-written banks have
                lines.append("        answer: >-")
                lines += [f"          {_text(rng, 40, 70)}" for _ in range(2)]
            else:
                lines.append(f"        answer: {_scalar(_text(rng, 60, 180))}")
    lines.append("    traps:")
    lines += [f"      - {_scalar(_text(rng, 50, 130))}" for _ in range(rng.randint(1, 3))]
    lines.append(f"    seniority: {rng.choice(SENIORITIES)}")
    lines.append(f"    frequency: {rng.choice(FREQUENCIES)}")
    lines.append(f"    kind: {rng.choice(KINDS)}")
    lines.append(f"    tags: [{', '.join(rng.sample(TAGS, rng.randint(2, 5)))}]")
    related = [r for r in rng.sample(ids, 3) if r != card_id][: rng.randint(1, 3)]
    lines.append(f"    related: [{', '.join(related)}]")
    lines.append(f"    source: {_scalar(_text(rng, 30, 140))}")
    return "\n".join(lines) + "\n"


def write_bank(folder: Path, n_cards: int, n_files: int = len(TOPICS)) -> list[Path]:
    """`n_cards` cards over `n_files` topic files (each well under the 5 MB per-file limit)."""
    rng = random.Random(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    ids = card_ids(n_cards)
    paths = []
    for f in range(n_files):
        topic = TOPICS[f % len(TOPICS)] + ("" if f < len(TOPICS) else f"-{f}")
        mine = [card_id for i, card_id in enumerate(ids) if i % n_files == f]
        parts = [f"topic: {topic}\n", f'title: "Synthetic {topic} questions"\n', "cards:\n"]
        parts += [_card_yaml(rng, card_id, ids) + "\n" for card_id in mine]
        path = folder / f"{topic}.yaml"
        path.write_text("".join(parts), encoding="utf-8")
        paths.append(path)
    return paths


def write_history(db: Path, ids: list[str], n_reviews: int, *, days: int = 730) -> None:
    """`n_reviews` review-log rows over `days` days before NOW, and each studied card's final state.

    Intervals grow roughly like FSRS's (with lapses resetting them), so due dates spread around NOW:
    some cards are overdue, some due today, most in the future, a fifth never studied.
    """
    from interview_drill.storage.history import Store

    rng = random.Random(SEED + 1)
    studied = ids[: max(1, int(len(ids) * 0.8))]
    # Share the reviews out unevenly, as real use does, and exactly n_reviews in all.
    weights = [rng.uniform(0.3, 1.7) for _ in studied]
    total = sum(weights)
    counts = [max(1, int(n_reviews * w / total)) for w in weights]
    i = 0
    while sum(counts) > n_reviews:
        if counts[i % len(counts)] > 1:
            counts[i % len(counts)] -= 1
        i += 1
    i = 0
    while sum(counts) < n_reviews:
        counts[i % len(counts)] += 1
        i += 1

    now_ms = int(NOW.timestamp() * 1000)
    day_ms = 86_400_000
    start_ms = int((NOW - timedelta(days=days)).timestamp() * 1000)
    card_rows = []
    review_rows = []
    for card_number, (slug, count) in enumerate(zip(studied, counts, strict=True), start=1):
        # Review times: first one somewhere in the span, then gaps growing towards NOW.
        first = rng.randint(start_ms, now_ms - count * day_ms // 4 - day_ms)
        span = now_ms - first - rng.randint(0, 20) * day_ms // 2
        span = max(span, count * 60_000)
        times = sorted({first + int(span * (k / count) ** 1.6) for k in range(count)})
        while len(times) < count:
            times.append(times[-1] + 60_000)
        difficulty = rng.uniform(3, 8)
        phase = 0
        reps = lapses = 0
        stability = 0.0
        before = None
        for k, at in enumerate(times):
            rating = rng.choices((1, 2, 3, 4), weights=(12, 13, 65, 10))[0]
            review_rows.append(
                (card_number, None, rating, at, rng.randint(4_000, 90_000), "scheduled", phase, before)
            )
            gap_days = (times[k + 1] - at if k + 1 < len(times) else at - times[max(0, k - 1)]) / day_ms
            if rating == 1 and phase == 2:
                lapses += 1
                phase, stability = 3, max(0.2, min(stability, gap_days) * 0.3)
            else:
                phase = 2 if k else 1
                stability = min(3650.0, max(0.5, gap_days * rng.uniform(0.8, 2.0)))
            reps += 1
            memory = {
                "phase": phase, "step": 0 if phase != 2 else None, "stability": stability,
                "difficulty": difficulty, "due": at + int(stability * day_ms), "last_review": at,
            }  # fmt: skip
            before = json.dumps(
                {"slug": slug, "memory": memory, "reps": reps, "lapses": lapses, "content_hash": None,
                 "buried_until": None, "suspended": False}
            )  # fmt: skip
        last = times[-1]
        due = last + int(stability * day_ms * rng.uniform(0.7, 1.3))
        card_rows.append(
            (
                card_number,
                slug,
                phase,
                0 if phase != 2 else None,
                stability,
                difficulty,
                due,
                last,
                reps,
                lapses,
            )
        )
    # A typed answer or a trap marked on a few reviews, as the practice modes write them.
    review_rows = [
        (*r, "an answer typed during the drill" if n % 40 == 0 else None, "[0]" if n % 25 == 0 else None)
        for n, r in enumerate(review_rows)
    ]
    db.parent.mkdir(parents=True, exist_ok=True)
    if db.exists():
        db.unlink()
    with Store.open(db) as store:
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO cards (id, slug, phase, step, stability, difficulty, due, last_review, reps, lapses) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                card_rows,
            )
            conn.executemany(
                "INSERT INTO reviews (card_id, session_id, rating, reviewed_at, duration_ms, kind, phase_before, "
                "before, answer, traps_hit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                review_rows,
            )
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
