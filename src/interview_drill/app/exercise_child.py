"""Runs one exercise's hidden tests against an attempt, in a process of its own (started by
`app/exercises.py` with a time and memory limit). Imports nothing of interview_drill: it must work
under `python -I` and report through a pipe, whatever the attempt prints or does.

usage: python -I exercise_child.py TESTS_PY ATTEMPT_PY RESULT_FD
Writes one JSON object to RESULT_FD: {"error": str | null, "tests": [[name, passed, message], ...]}.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import types
from typing import Any


def _fmt(value: Any) -> str:
    import numpy as np

    if np.ndim(value):
        return np.array2string(np.asarray(value), precision=6, threshold=8)
    return repr(value.item() if hasattr(value, "item") else value)


def close(got: Any, expected: Any, what: str = "result", rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Assert arrays (or numbers) are close, with a message a learner can act on."""
    import numpy as np

    g, e = np.asarray(got), np.asarray(expected)
    if g.shape != e.shape:
        raise AssertionError(f"{what}: shape {g.shape}, expected {e.shape}")
    if not (np.issubdtype(g.dtype, np.number) or g.dtype == bool):
        raise AssertionError(f"{what}: got values of type {g.dtype}, expected numbers")
    bad = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    if bad.any():
        if g.ndim:
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            raise AssertionError(f"{what} at index {idx}: got {_fmt(g[idx])}, expected {_fmt(e[idx])}")
        raise AssertionError(f"{what}: got {_fmt(g)}, expected {_fmt(e)}")


def equal(got: Any, expected: Any, what: str = "result") -> None:
    """Assert exact equality (arrays compared element-wise), with a readable message."""
    import numpy as np

    if isinstance(got, np.ndarray) or isinstance(expected, np.ndarray):
        g, e = np.asarray(got), np.asarray(expected)
        if g.shape != e.shape or not np.array_equal(g, e):
            raise AssertionError(f"{what}: got {_fmt(g)}, expected {_fmt(e)}")
    elif got != expected:
        raise AssertionError(f"{what}: got {got!r:.200}, expected {expected!r:.200}")


def _load(path: str, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, AssertionError) and str(exc):  # the tests' own words (`close`, `equal`) say it all
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return " ".join(text.split())[:300]


def main() -> None:
    tests_py, attempt_py, fd = sys.argv[1], sys.argv[2], int(sys.argv[3])
    out = os.fdopen(fd, "w", encoding="utf-8")
    sys.modules["idrill_check"] = types.SimpleNamespace(close=close, equal=equal)  # type: ignore[assignment]
    report: dict[str, Any] = {"error": None, "tests": []}
    try:
        attempt = _load(attempt_py, "attempt")
    except SyntaxError as exc:
        report["error"] = f"syntax error at line {exc.lineno}: {exc.msg}"
    except BaseException as exc:  # SystemExit, KeyboardInterrupt, MemoryError… at import time
        report["error"] = f"the attempt failed while loading: {_one_line(exc)}"
    if report["error"] is None:
        tests = _load(tests_py, "exercise_tests")
        for name in [
            n for n, f in vars(tests).items() if n.startswith("test_") and callable(f)
        ]:  # as written
            fn = getattr(tests, name)
            label = (
                (fn.__doc__ or "").strip().splitlines() or [name.removeprefix("test_").replace("_", " ")]
            )[0]
            try:
                fn(attempt)
                report["tests"].append([label, True, ""])
            except NotImplementedError:
                report["tests"].append([label, False, "not implemented yet"])
            except BaseException as exc:  # the attempt's bug, whatever it raised
                report["tests"].append([label, False, _one_line(exc)])
    out.write(json.dumps(report))
    out.flush()


if __name__ == "__main__":
    main()
