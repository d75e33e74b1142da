"""`idrill import`: Markdown and CSV/TSV notes become bank YAML that validates, with stable ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_drill.app.importers.drafts import card_slug, slugify, split_items, split_number
from interview_drill.bank import load_files

from ..conftest import run

NOTES = """\
# Parameter-efficient fine-tuning

## How does LoRA adapt a frozen weight matrix?
seniority: senior
tags: lora, memory

- Freezes W and learns **ΔW = B·A** with rank r.
- B starts at zero, so training begins at the base model;
  nothing changes at step 0.

### Numbers
- **r = 8–64** typical ranks
- 1:30: a figure YAML would read as 90

### Follow-ups
- Can LoRA weights be merged?
  - Yes, W + BA has W's shape.
- Why not initialise both randomly?

### Traps
- Claiming LoRA saves activation memory.

## What does QLoRA add?
1. 4-bit NF4 base weights
2. Paged optimisers
"""


def cards_of(path: Path) -> dict[str, object]:
    return {c.id: c for c in load_files([path], cache=False).cards}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("How does LoRA work?", "how-does-lora-work"),
        ("Why  *DPO*, not `PPO`?", "why-dpo-not-ppo"),
        ("Qu'est-ce que l'état?", "qu-est-ce-que-l-etat"),
        ("x" * 70, "x" * 60),
        ("what " * 20, "-".join(["what"] * 12)),
    ],
)
def test_slugs(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_a_question_without_letters_gets_a_stable_hash_id() -> None:
    assert card_slug("为什么?") == card_slug("为什么?")
    assert card_slug("为什么?").startswith("card-")


@pytest.mark.parametrize(
    ("cell", "items"),
    [("a; b;c", ["a", "b", "c"]), ("- a; still a\n- b", ["a; still a", "b"]), ("one", ["one"])],
)
def test_split_items(cell: str, items: list[str]) -> None:
    assert split_items(cell) == items


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("**r = 8** ranks", {"figure": "r = 8", "about": "ranks"}),
        ("1:30: minutes", {"figure": "1:30", "about": "minutes"}),
        ("7B — params", {"figure": "7B", "about": "params"}),
        ("just text", None),
    ],
)
def test_split_number(text: str, number: dict[str, str] | None) -> None:
    assert split_number(text) == number


def test_markdown_becomes_a_bank_file_that_validates(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    result = run("import", str(tmp_path / "notes.md"), "--out", str(tmp_path / "bank"))
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    out = tmp_path / "bank" / "notes.yaml"
    cards = cards_of(out)
    assert list(cards) == ["how-does-lora-adapt-a-frozen-weight-matrix", "what-does-qlora-add"]
    lora = cards["how-does-lora-adapt-a-frozen-weight-matrix"]
    assert lora.outline == [
        "Freezes W and learns **ΔW = B·A** with rank r.",
        "B starts at zero, so training begins at the base model; nothing changes at step 0.",
    ]
    assert [(n.figure, n.about) for n in lora.numbers] == [
        ("r = 8–64", "typical ranks"),
        ("1:30", "a figure YAML would read as 90"),
    ]
    assert [(f.question, f.answer) for f in lora.follow_ups] == [
        ("Can LoRA weights be merged?", "Yes, W + BA has W's shape."),
        ("Why not initialise both randomly?", ""),
    ]
    assert lora.traps == ["Claiming LoRA saves activation memory."]
    assert (lora.seniority, lora.tags, lora.topic) == ("senior", ["lora", "memory"], "notes")
    assert cards["what-does-qlora-add"].outline == ["4-bit NF4 base weights", "Paged optimisers"]
    assert 'title: "Parameter-efficient fine-tuning"' in out.read_text(encoding="utf-8")
    # The imported bank loads with the built-in one: no id collides.
    assert run("validate", str(tmp_path / "bank")).exit_code == 0


def test_reimporting_an_edited_source_updates_cards_in_place(tmp_path: Path) -> None:
    src, bank = tmp_path / "notes.md", tmp_path / "bank"
    src.write_text(NOTES, encoding="utf-8")
    run("import", str(src), "--out", str(bank))
    again = run("import", str(src), "--out", str(bank))
    assert "unchanged:" in again.output and "2 unchanged" in again.output
    edited = NOTES.replace("frozen weight matrix?", "frozen weight matrix in one layer?").replace(
        "Paged optimisers", "Paged optimisers and double quantisation"
    )
    src.write_text(edited + "\n## What is DoRA?\n- Magnitude and direction.\n", encoding="utf-8")
    result = run("import", str(src), "--out", str(bank))
    assert "1 added, 2 updated" in result.output, result.output
    cards = cards_of(bank / "notes.yaml")
    # The edited question keeps its id (and so its history); the new card is appended.
    assert list(cards) == [
        "how-does-lora-adapt-a-frozen-weight-matrix",
        "what-does-qlora-add",
        "what-is-dora",
    ]
    assert cards["how-does-lora-adapt-a-frozen-weight-matrix"].question.endswith("in one layer?")
    # A card gone from the source is kept until --prune.
    src.write_text(NOTES, encoding="utf-8")
    kept = run("import", str(src), "--out", str(bank))
    assert "1 kept" in kept.output and "what-is-dora" in cards_of(bank / "notes.yaml")
    pruned = run("import", str(src), "--out", str(bank), "--prune")
    assert "1 removed" in pruned.output and "what-is-dora" not in cards_of(bank / "notes.yaml")


def test_ids_never_collide_with_loaded_banks(tmp_path: Path) -> None:
    # `lora-mechanics` is a built-in id; a question slugged to it, or given it, must not take it.
    src = tmp_path / "mine.md"
    src.write_text("## LoRA mechanics\n- mine\n\n## LoRA   mechanics!\n- a twin\n", encoding="utf-8")
    result = run("import", str(src), "--out", str(tmp_path / "bank"))
    assert result.exit_code == 0, result.output
    assert list(cards_of(tmp_path / "bank" / "mine.yaml")) == ["lora-mechanics-2", "lora-mechanics-3"]
    src.write_text("## Mine\nid: lora-mechanics\n- mine\n", encoding="utf-8")
    clash = run("import", str(src), "--out", str(tmp_path / "other"))
    assert clash.exit_code == 2
    assert f"{src}:2: id: `lora-mechanics` is already used by a loaded bank" in clash.output


def test_csv_and_tsv(tmp_path: Path) -> None:
    csv_file = tmp_path / "deck.csv"
    csv_file.write_text(
        "Question,Outline,follow-ups,numbers,tags,seniority\n"
        '"What is DPO?","Direct preference; no reward model","Why beta? :: it sets the KL strength",'
        '"0.1: a usual beta","dpo alignment",Senior\n'
        '"Multi-line\n question?","- one\n- two",,,,\n',
        encoding="utf-8",
    )
    tsv_file = tmp_path / "more.tsv"
    tsv_file.write_text("question\toutline\nWhat is KTO?\tbinary feedback\n", encoding="utf-8")
    result = run("import", str(csv_file), str(tsv_file), "--out", str(tmp_path / "bank"), "--topic", "prefs")
    assert result.exit_code == 0, result.output
    cards = cards_of(tmp_path / "bank" / "prefs.yaml")
    assert list(cards) == ["what-is-dpo", "multi-line-question", "what-is-kto"]
    dpo = cards["what-is-dpo"]
    assert dpo.outline == ["Direct preference", "no reward model"]
    assert (dpo.follow_ups[0].question, dpo.follow_ups[0].answer) == ("Why beta?", "it sets the KL strength")
    assert (dpo.numbers[0].figure, dpo.numbers[0].about) == ("0.1", "a usual beta")
    assert (dpo.tags, dpo.seniority) == (["dpo", "alignment"], "senior")
    assert cards["multi-line-question"].outline == ["one", "two"]


def test_bad_rows_write_nothing_unless_skipped(tmp_path: Path) -> None:
    src = tmp_path / "deck.csv"
    src.write_text(
        "question,outline,seniority\nGood one?,fine,mid\nBad level?,x,seniour\nNo outline?,,\n",
        encoding="utf-8",
    )
    bank = tmp_path / "bank"
    result = run("import", str(src), "--out", str(bank))
    assert result.exit_code == 2
    assert (
        f"{src}:3: seniority: must be one of screen, mid, senior, staff (got `seniour`; did you mean `senior`?)"
        in result.output
    )
    assert f"{src}:4: outline: required field is missing" in result.output
    assert not bank.exists()
    skipped = run("import", str(src), "--out", str(bank), "--skip-bad")
    assert skipped.exit_code == 0 and "skipped 2 cards with problems" in skipped.output
    assert list(cards_of(bank / "deck.yaml")) == ["good-one"]


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("a.csv", "question,answr\nq,a\n", "a.csv:1: header: unknown column `answr`; did you mean `answer`"),
        ("b.csv", "", "b.csv:1: file: is empty"),
        ("c.md", "no headings here\n", "c.md:1: file: no headings"),
        ("d.md", "## Q?\n- a\n\n### Extras\n- b\n", "d.md:4: unknown section `Extras`"),
        ("e.md", "## Q?\nprose\n- a\n", "e.md:2: text outside a list"),
        ("f.md", "## Q?\n- a\n\n### Numbers\n- lots\n", "f.md:5: numbers: write a number as"),
        ("g.md", "## Q?\n```\ncode\n```\n- a\n", "g.md:2: code blocks are not supported"),
    ],
)
def test_problems_name_file_and_line(tmp_path: Path, name: str, text: str, problem: str) -> None:
    src = tmp_path / name
    src.write_bytes(text.encode())
    result = run("import", str(src), "--out", str(tmp_path / "bank"))
    assert result.exit_code == 2
    assert f"{tmp_path}/{problem}" in result.output
    assert not (tmp_path / "bank").exists()


def test_an_invalid_output_file_is_left_alone(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "notes.yaml").write_text("topic: notes\ncards: oops\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    result = run("import", str(tmp_path / "notes.md"), "--out", str(bank))
    assert result.exit_code == 2 and "fix it (or move it away) before importing into it" in result.output
    assert (bank / "notes.yaml").read_text(encoding="utf-8") == "topic: notes\ncards: oops\n"


def test_dry_run_and_unknown_formats(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    dry = run("import", str(tmp_path / "notes.md"), "--out", str(tmp_path / "bank"), "--dry-run")
    assert dry.exit_code == 0 and "would write" in dry.output and not (tmp_path / "bank").exists()
    (tmp_path / "x.docx").write_text("x", encoding="utf-8")
    bad = run("import", str(tmp_path / "x.docx"), "--out", str(tmp_path / "bank"))
    assert bad.exit_code == 2 and "cannot import a `.docx` file" in bad.output


# ---------------------------------------------------------------- Anki packages


def basic_deck(path: Path) -> None:
    """An .apkg of the kind users bring: Basic, Basic-and-reversed and a cloze note."""
    import genanki

    basic = genanki.BASIC_MODEL
    reversed_ = genanki.BASIC_AND_REVERSED_CARD_MODEL
    deck = genanki.Deck(2059400110, "Mine")
    deck.add_note(
        genanki.Note(
            model=basic,
            fields=[
                "What is <b>RLHF</b>?",
                "<ul><li>Reward model from <i>preferences</i></li><li>PPO &amp; KL</li></ul>",
            ],
            tags=["alignment", "rl::ppo"],
            guid="a1",
        )
    )
    deck.add_note(
        genanki.Note(
            model=reversed_,
            fields=["<div>What is a <code>logit</code>?</div>", "An unnormalised score<br>before softmax"],
            guid="a2",
        )
    )
    deck.add_note(
        genanki.Note(model=genanki.CLOZE_MODEL, fields=["{{c1::Adam}} is an optimiser", ""], guid="a3")
    )
    genanki.Package(deck).write_to_file(str(path))


def test_anki_basic_notes(tmp_path: Path) -> None:
    basic_deck(tmp_path / "mine.apkg")
    bank = tmp_path / "bank"
    strict = run("import", str(tmp_path / "mine.apkg"), "--out", str(bank))
    assert strict.exit_code == 2
    assert f"{tmp_path}/mine.apkg:3: note: cloze notes cannot be imported" in strict.output
    result = run("import", str(tmp_path / "mine.apkg"), "--out", str(bank), "--skip-bad")
    assert result.exit_code == 0, result.output
    cards = cards_of(bank / "mine.yaml")
    assert list(cards) == ["what-is-rlhf", "what-is-a-logit"]
    assert cards["what-is-rlhf"].question == "What is **RLHF**?"
    assert cards["what-is-rlhf"].outline == ["Reward model from *preferences*", "PPO & KL"]
    assert cards["what-is-rlhf"].tags == ["alignment", "rl-ppo"]
    assert cards["what-is-a-logit"].question == "What is a `logit`?"
    assert cards["what-is-a-logit"].outline == ["An unnormalised score", "before softmax"]


def test_an_idrill_export_comes_back_whole(tmp_path: Path, sample_args: list[str]) -> None:
    from interview_drill.bank import load_bank

    from ..conftest import SAMPLE_BANK

    assert run("export", "anki", "--out", str(tmp_path / "deck.apkg"), *sample_args).exit_code == 0
    result = run("import", str(tmp_path / "deck.apkg"), "--out", str(tmp_path / "bank"), "--no-builtin")
    assert result.exit_code == 0, result.output
    original = load_bank([SAMPLE_BANK], include_builtin=False).cards
    back = cards_of(tmp_path / "bank" / "deck.yaml")
    assert list(back) == [c.id for c in original]
    text_fields = {"question", "outline", "numbers", "follow_ups", "traps", "seniority", "kind", "tags"}
    for card in original:
        assert back[card.id].model_dump(include=text_fields) == card.model_dump(include=text_fields), card.id


@pytest.mark.parametrize(("name", "payload", "problem"), [("x.apkg", b"not a zip", "not an Anki package")])
def test_a_broken_package_is_one_line(tmp_path: Path, name: str, payload: bytes, problem: str) -> None:
    (tmp_path / name).write_bytes(payload)
    result = run("import", str(tmp_path / name), "--out", str(tmp_path / "bank"))
    assert result.exit_code == 2 and problem in result.output
