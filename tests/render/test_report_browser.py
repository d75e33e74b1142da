"""The HTML report rendered by a real headless browser (Debian's `chromium`).

CI installs chromium (see .ci/run); elsewhere this skips with the reason when no browser is installed.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from interview_drill.render.contents import SECTIONS

from ..conftest import run
from ..render.test_report import ARGS, seed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no headless browser: install Debian's `chromium` (apt-get install chromium) to run this test",
)


@pytest.fixture(autouse=True)
def _pinned(pinned):
    """Every test here runs at the pinned moment."""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM is not None
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def decode_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows) of an 8-bit RGB/RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(b"".join(idat)), width * bpp
    prev, rows = bytearray(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:  # Up
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + (left + prev[i]) // 2) & 255
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def test_png_decoder_on_a_known_image():
    # 2×2 RGB: red, green / blue, white, rows filtered None and Sub
    rows = [b"\x00" + bytes([255, 0, 0, 0, 255, 0]), b"\x01" + bytes([0, 0, 255, 255, 255, 0])]
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
    png += chunk(b"IEND", b"")
    assert decode_png(png) == (2, 2, 3, [bytes([255, 0, 0, 0, 255, 0]), bytes([0, 0, 255, 255, 255, 255])])


@pytest.fixture
def html_report(isolated_home: Path, tmp_path: Path) -> Path:
    seed(isolated_home / "history.db")
    target = tmp_path / "report.html"
    result = run("report", *ARGS, "--out", str(target))
    assert result.exit_code == 0, result.output
    return target


@needs_browser
def test_chromium_renders_the_report(html_report: Path, tmp_path: Path):
    shot = tmp_path / "report.png"
    done = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", html_report.as_uri())
    assert shot.exists(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    width, height, bpp, rows = decode_png(shot.read_bytes())
    assert (width, height) == (1200, 2000)
    colours: set[bytes] = set()
    inked = total = 0
    for row in rows[::4]:  # every 4th row and column is plenty to tell a page from a blank
        for x in range(0, width * bpp, 4 * bpp):
            pixel = row[x : x + 3]
            colours.add(pixel)
            total += 1
            inked += pixel != b"\xff\xff\xff"
    assert len(colours) > 20, f"only {len(colours)} colours: the page looks blank"
    assert inked / total > 0.02, f"only {inked / total:.1%} of the page is not white"


@needs_browser
def test_chromium_dom_shows_the_sections(html_report: Path, tmp_path: Path):
    done = chromium(tmp_path, "--dump-dom", html_report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    for section_id, title in SECTIONS:
        assert f'id="{section_id}"' in dom and f"<h2>{title}</h2>" in dom
    assert dom.count("<svg") == 3
    assert "lora-rank" in dom and "Thinking rank is the number of adapted layers." in dom
    assert "<script" not in dom
