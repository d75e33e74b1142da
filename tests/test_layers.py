"""The package's folders are its layers, and imports only go one way (checked on the source with ast).

    cli → app → {domain, bank, storage};  cli → render → domain;  storage → domain;  bank → domain

`domain` imports nothing of ours above it. A few leaf modules at the package root (errors, file
locations, atomic writes, start-up tricks) may be used from any layer that does I/O.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "interview_drill"
LEAVES = {"errors": set(), "speedups": set(), "paths": {"errors"}, "files": {"errors"}}
ALLOWED = {
    "domain": {"domain", "errors"},
    "bank": {"bank", "domain", "errors", "paths", "speedups"},
    "storage": {"storage", "domain", "errors", "files", "paths"},
    "render": {"render", "domain", "errors"},
    "app": {"app", "domain", "bank", "storage", "errors", "paths", "files", "speedups"},
    "cli": {
        "cli",
        "app",
        "render",
        "domain",
        "bank",
        "storage",
        "errors",
        "paths",
        "files",
        "speedups",
        "__init__",
    },
    "__main__": {"cli"},
    "__init__": set(),
    **LEAVES,
}


def layer_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def our_imports(path: Path) -> list[tuple[int, str]]:
    """(line, first component under interview_drill) of every import of ours, wherever it sits."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "interview_drill":
                continue
            if len(parts) > 1:
                found.append((node.lineno, parts[1]))
            else:  # from interview_drill import x, y
                found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: relative import; write the absolute module")
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name.split(".")[1])
                for alias in node.names
                if alias.name.startswith("interview_drill.")
            ]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_belongs_to_a_known_layer():
    unknown = sorted({layer_of(p) for p in MODULES} - set(ALLOWED))
    assert not unknown, f"modules outside the layers: {unknown}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_one_way(path: Path):
    layer = layer_of(path)
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line}: {layer} imports {target}"
        for line, target in our_imports(path)
        if target != "__version__" and target not in ALLOWED[layer]
    ]
    assert not wrong, "\n".join(wrong)


def test_only_schedule_imports_fsrs():
    users = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "fsrs")
        or (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "fsrs" for a in node.names))
    ]
    assert set(users) <= {"domain/schedule.py"}, users


def test_only_render_and_cli_import_rich_or_typer():
    users = {
        str(p.relative_to(PACKAGE))
        for p in MODULES
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").split(".")[0] in ("rich", "typer", "click")
        )
        or (
            isinstance(node, ast.Import)
            and any(a.name.split(".")[0] in ("rich", "typer", "click") for a in node.names)
        )
    }
    assert all(u.startswith(("render/", "cli/")) for u in users), sorted(users)
