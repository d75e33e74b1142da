import zlib

import numpy as np

IGNORE_INDEX = -100


class ToyTokenizer:
    """A toy word-level tokenizer (given; do not change it).

    Special tokens have fixed ids; any other whitespace-separated word maps to a stable id
    >= 16 (crc32 hash). encode() never adds special tokens and never merges words, so the
    ids of a concatenation are the concatenation of the ids.
    """

    SPECIAL = {"<pad>": 0, "<bos>": 1, "<|system|>": 2, "<|user|>": 3, "<|assistant|>": 4, "<|end|>": 5}

    def __init__(self):
        self.pad_id = self.SPECIAL["<pad>"]
        self.bos_id = self.SPECIAL["<bos>"]
        self.end_id = self.SPECIAL["<|end|>"]
        self.role_ids = {"system": 2, "user": 3, "assistant": 4}

    def encode(self, text: str) -> list[int]:
        return [self.SPECIAL.get(w, 16 + zlib.crc32(w.encode("utf-8")) % 50_000) for w in text.split()]


def render_chat(messages: list[dict], tok: ToyTokenizer, add_generation_prompt: bool = False) -> list[int]:
    """Render a conversation with this chat template and return token ids.

    Template:  <bos>  then for every message in order:
                   role marker (<|system|>, <|user|> or <|assistant|>),
                   tok.encode(message["content"]),
                   <|end|>
               and, if add_generation_prompt, a final <|assistant|> marker (the prompt a
               server sends before the model writes its reply).
    messages: list of {"role": "system" | "user" | "assistant", "content": str}.
    Raises ValueError for any other role.
    """
    raise NotImplementedError


def build_example(messages: list[dict], tok: ToyTokenizer, only_last: bool = False, max_len: int | None = None):
    """input_ids and labels for supervised fine-tuning.

    input_ids = render_chat(messages, tok)  (no generation prompt).
    labels has the same length, UNSHIFTED (labels[i] belongs to input_ids[i]; the model
    shifts internally), and is IGNORE_INDEX (-100) everywhere except the tokens the model
    must learn to write: the content tokens of each assistant message AND that message's
    <|end|> token (so it learns to stop). <bos>, every role marker (including <|assistant|>),
    and system/user content and their <|end|> are -100.
    only_last=True supervises only the final assistant message.
    A conversation without an assistant message gives all -100.
    If max_len is given and len(input_ids) > max_len, return None (skip the example; never
    truncate, which would cut off the reply or its end token).
    Returns (input_ids, labels) as two lists of ints, or None.
    """
    raise NotImplementedError


def collate(examples: list[tuple[list[int], list[int]]], pad_id: int) -> dict[str, np.ndarray]:
    """Right-pad a batch to its longest example.

    Returns {"input_ids", "labels", "attention_mask"}, each int64 [B, L]: input_ids padded
    with pad_id, labels padded with IGNORE_INDEX (never pad_id), attention_mask 1 on real
    tokens and 0 on padding.
    """
    raise NotImplementedError
