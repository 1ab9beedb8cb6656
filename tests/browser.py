"""A headless Chromium for the report tests: find it, run it, read what it wrote.

The report tests need a real browser; when none is found they fail (not skip)
with the command that installs one, since `make test` installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = (
    "install it with `sudo apt-get update && sudo apt-get install -y chromium fonts-noto-cjk` "
    "(Debian/Ubuntu; `make test` does this when it is missing), "
    "or point the CHROMIUM environment variable at a Chromium or Chrome binary"
)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FIXED_PATHS = ("/usr/bin/chromium", "/Applications/Chromium.app/Contents/MacOS/Chromium",
               "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
# Headless, no sandbox (containers run as root), and none of the browser's own traffic.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--log-level=0")
TIMEOUT = 60


def find_chromium() -> str | None:
    """The browser to use: $CHROMIUM, else the first Chromium or Chrome found."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for path in FIXED_PATHS:
        if os.access(path, os.X_OK):
            return path
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    return None


def require_chromium() -> str:
    """The browser, or a failed test saying how to install one."""
    path = find_chromium()
    if path is None:
        pytest.fail(f"no Chromium found for the browser tests; {INSTALL_HINT}", pytrace=False)
    if not os.access(path, os.X_OK):
        pytest.fail(f"CHROMIUM={path} is not an executable file; {INSTALL_HINT}", pytrace=False)
    return path


def require_cjk_font() -> list[str]:
    """The fonts fontconfig lists for Chinese, or a failed test saying how to install one."""
    if shutil.which("fc-list") is None:
        pytest.fail(f"fc-list (fontconfig) not found, so no CJK font can be checked; {INSTALL_HINT}",
                    pytrace=False)
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    families = sorted({line.strip() for line in listed.stdout.splitlines() if line.strip()})
    if not families:
        pytest.fail(f"no font with Chinese glyphs installed (`fc-list :lang=zh` is empty); {INSTALL_HINT}",
                    pytrace=False)
    return families


@dataclass(frozen=True)
class BrowserRun:
    """What one headless run gave: its output, the page's console lines and its network requests."""

    stdout: str
    stderr: str
    console: tuple[str, ...]
    page_requests: tuple[str, ...]


def run_chromium(args: Sequence[str], timeout: float = TIMEOUT) -> BrowserRun:
    """Run the browser once with a fresh profile and a network log.

    ``page_requests`` are the URLs the page itself asked the network for
    (requests from a ``file://`` page), not the browser's own housekeeping.
    """
    binary = require_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as scratch:
        profile = Path(scratch) / "profile"
        net_log = Path(scratch) / "net-log.json"
        command = [binary, *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={net_log}", *args]
        # Its own session, so a hung browser and every child it started can be stopped together.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"Chromium did not finish within {timeout} s: {' '.join(command)}", pytrace=False)
        if process.returncode != 0:
            pytest.fail(f"Chromium exited with status {process.returncode}: {' '.join(command)}\n{stderr[-3000:]}",
                        pytrace=False)
        console = tuple(line for line in stderr.splitlines() if ":CONSOLE" in line)
        return BrowserRun(stdout, stderr, console, _page_requests(net_log))


def dump_dom(url: str) -> BrowserRun:
    """The page's DOM after its scripts ran (``stdout``)."""
    return run_chromium(["--dump-dom", url])


def screenshot(url: str, png: Path, width: int = 1400, height: int = 1200) -> BrowserRun:
    """A PNG of the top ``height`` pixels of the page at ``width``.

    Headless Chromium paints only the first screen of a page, so a screenshot
    of a page scrolled further down (``#anchor``) comes out blank: shoot a
    taller window and crop instead.
    """
    run = run_chromium([f"--screenshot={png}", f"--window-size={width},{height}", url])
    if not Path(png).is_file():
        pytest.fail(f"Chromium wrote no screenshot to {png}\n{run.stderr[-3000:]}", pytrace=False)
    return run


def _page_requests(net_log: Path) -> tuple[str, ...]:
    if not net_log.is_file():
        return ()
    text = net_log.read_text(encoding="utf-8", errors="replace").rstrip()
    if not text.endswith("}"):  # the browser may stop before closing the event list
        text = text.rstrip(",") + "]}"
    log = json.loads(text)
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        if names.get(event.get("type")) == "URL_REQUEST_START_JOB" and \
                str(params.get("network_isolation_key", "")).startswith("file://"):
            urls.append(params.get("url", ""))
    return tuple(sorted(set(urls)))


@dataclass(frozen=True)
class Image:
    """Decoded pixels: one bytes object per row, ``channels`` bytes per pixel."""

    width: int
    height: int
    channels: int
    rows: tuple[bytes, ...]

    def pixels(self, box: tuple[int, int, int, int] | None = None) -> list[bytes]:
        """The pixels inside ``box`` (left, top, right, bottom), row by row."""
        left, top, right, bottom = box or (0, 0, self.width, self.height)
        c = self.channels
        return [row[x * c:(x + 1) * c] for row in self.rows[top:bottom] for x in range(left, right)]

    def ink_columns(self, box: tuple[int, int, int, int], background: bytes) -> list[int]:
        """The x positions inside ``box`` where some pixel differs from ``background``."""
        left, top, right, bottom = box
        c = self.channels
        return [x for x in range(left, right)
                if any(row[x * c:(x + 1) * c] != background for row in self.rows[top:bottom])]


def read_png(path: Path) -> Image:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes) with the standard library."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    at, idat, header = 8, [], None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    if header is None:
        raise ValueError(f"{path}: PNG without a header")
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4, 0: 1, 4: 2}.get(colour)
    if depth != 8 or interlace or channels is None:
        raise ValueError(f"{path}: only 8-bit non-interlaced grey/RGB/RGBA PNGs are read here")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        _unfilter(kind, line, previous, channels)
        rows.append(bytes(line))
        previous = line
    return Image(width, height, channels, tuple(rows))


def _unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> None:
    n = len(line)
    if kind == 0:
        return
    if kind == 1:
        for i in range(bpp, n):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(n):
            line[i] = (line[i] + previous[i]) & 0xFF
    elif kind == 3:
        for i in range(n):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(n):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    else:
        raise ValueError(f"unknown PNG filter type {kind}")
