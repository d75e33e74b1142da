import numpy as np
from idrill_check import close, equal

CONV = [
    {"role": "system", "content": "be brief"},
    {"role": "user", "content": "what is two plus two"},
    {"role": "assistant", "content": "four"},
    {"role": "user", "content": "and times three"},
    {"role": "assistant", "content": "twelve of course"},
]


def _setup(m):
    tok = m.ToyTokenizer()
    return tok, tok.encode


def test_render_layout(m):
    """template renders markers, content and end tokens"""
    tok, enc = _setup(m)
    msgs = [{"role": "user", "content": "hi there"}, {"role": "assistant", "content": "hello"}]
    expected = [1, 3] + enc("hi there") + [5, 4] + enc("hello") + [5]
    equal(list(m.render_chat(msgs, tok)), expected, "input ids")
    equal(list(m.render_chat(msgs[:1], tok, add_generation_prompt=True)), [1, 3] + enc("hi there") + [5, 4],
          "ids with generation prompt")


def test_labels_supervise_assistant_and_end(m):
    """only assistant content and its end token are supervised"""
    tok, enc = _setup(m)
    msgs = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "hello you"}]
    ids, labels = m.build_example(msgs, tok)
    n_prompt = 1 + 1 + 2 + 1 + 1 + 1 + 1 + 1        # bos, sys, 2 words, end, user, 1 word, end, <|assistant|>
    equal(len(labels), len(ids), "len(labels) vs len(input_ids)")
    equal(list(labels), [-100] * n_prompt + enc("hello you") + [5], "labels")


def test_all_assistant_turns_or_last_only(m):
    """every assistant turn by default, only the last with only_last"""
    tok, enc = _setup(m)
    ids, labels = m.build_example(CONV, tok)
    supervised = [l for l in labels if l != -100]
    equal(supervised, enc("four") + [5] + enc("twelve of course") + [5], "supervised tokens (all turns)")
    for i, l in enumerate(labels):
        if l != -100 and l != ids[i]:
            raise AssertionError(f"labels[{i}] = {l} but input_ids[{i}] = {ids[i]}: labels must not be shifted")
    _, labels_last = m.build_example(CONV, tok, only_last=True)
    equal([l for l in labels_last if l != -100], enc("twelve of course") + [5], "supervised tokens (only_last)")


def test_generation_prompt_is_prefix(m):
    """the serving prompt is a prefix of the training sequence"""
    tok, _ = _setup(m)
    prompt = list(m.render_chat(CONV[:-1], tok, add_generation_prompt=True))
    ids, labels = m.build_example(CONV, tok, only_last=True)
    equal(list(ids[:len(prompt)]), prompt, "training ids start with the serving prompt")
    equal(all(l == -100 for l in labels[:len(prompt)]), True, "whole prompt is unsupervised")
    equal(all(l != -100 for l in labels[len(prompt):]), True, "everything after the prompt is supervised")


def test_no_assistant_turn(m):
    """no assistant message means nothing is supervised"""
    tok, _ = _setup(m)
    ids, labels = m.build_example(CONV[:2], tok)
    equal(list(labels), [-100] * len(ids), "labels")


def test_too_long_is_skipped(m):
    """over-long examples are skipped, not truncated"""
    tok, _ = _setup(m)
    n = len(m.render_chat(CONV, tok))
    equal(m.build_example(CONV, tok, max_len=n - 1), None, "result when longer than max_len")
    got = m.build_example(CONV, tok, max_len=n)
    equal(len(got[0]), n, "length when exactly max_len")


def test_collate_pads_labels_with_ignore(m):
    """padding uses pad_id for ids and -100 for labels"""
    tok, _ = _setup(m)
    short = m.build_example(CONV[1:3], tok)
    long = m.build_example(CONV, tok)
    batch = m.collate([short, long], pad_id=tok.pad_id)
    L, n = len(long[0]), len(short[0])
    equal(batch["input_ids"].shape, (2, L), "input_ids shape")
    equal(batch["input_ids"][0], np.array(list(short[0]) + [0] * (L - n)), "padded input_ids")
    equal(batch["labels"][0], np.array(list(short[1]) + [-100] * (L - n)), "padded labels")
    equal(batch["attention_mask"], np.array([[1] * n + [0] * (L - n), [1] * L]), "attention_mask")
    equal(batch["labels"][1], np.array(long[1]), "labels of the longest row")


def test_unknown_role_rejected(m):
    """an unknown role raises ValueError"""
    tok, _ = _setup(m)
    try:
        m.build_example([{"role": "tool", "content": "x"}], tok)
    except ValueError:
        return
    raise AssertionError("expected ValueError for role 'tool'")
