"""How well Taiwan-style text comes back to the mainland original (`policy evaluate --normalize`).

Each Simplified mainland document is rendered the way big5 gateway sites
publish mainland documents, with OpenCC ``s2twp`` (Taiwan characters and
vocabulary), converted back, and compared with the original, Han character
by Han character.  The converters compared: OpenCC ``t2s`` (characters
only), OpenCC ``tw2sp`` (Taiwan phrases, with its over-conversions) and this
project's normalization.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import opencc

from pipeline.chinese import is_han
from pipeline.errors import DocumentError, NotAFolderError

_DOCUMENT_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


@dataclass
class Score:
    """Han characters of the originals, how many came back wrong, and the wrong ones."""

    name: str
    han: int = 0
    errors: int = 0
    differences: Counter = field(default_factory=Counter)
    protected_changed: int = 0

    @property
    def accuracy(self) -> float:
        return 1 - self.errors / self.han if self.han else 1.0


def read_text(path: Path) -> str | None:
    """A document's text, or None when none can be had (a scan): the pipeline's reader, else pdftotext."""
    from pipeline.ingest import decode_document
    from pipeline.store.sources import read_source

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return decode_document(read_source(path).data, path).text
    except DocumentError:
        if path.suffix.lower() != ".pdf" or shutil.which("pdftotext") is None:
            return None
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False)
    text = done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else ""
    return text if text.strip() else None


def mainland_documents(folders: Iterable[Path], is_mainland: Callable[[str], bool]) -> list[tuple[str, str]]:
    """``(file name, text)`` of every readable Simplified mainland document in ``folders``."""
    documents = []
    for folder in folders:
        for path in sorted(Path(folder).iterdir()):
            if path.suffix.lower() not in _DOCUMENT_SUFFIXES or path.name.upper().startswith(("README", "SOURCES")):
                continue
            text = read_text(path)
            if text and is_mainland(text):
                documents.append((path.name, text))
    return documents


def compare(original: str, converted: str, score: Score) -> None:
    """Add the Han characters of ``original`` and those ``converted`` got wrong to ``score``.

    Lines are compared one by one (conversion keeps line breaks), and within
    a line only where the two differ, so a long document costs little.
    """
    lines, back = original.split("\n"), converted.split("\n")
    if len(lines) != len(back):
        lines, back = [original], [converted]
    for line, other in zip(lines, back):
        han = sum(1 for c in line if is_han(c))
        score.han += han
        if line == other:
            continue
        for tag, a1, a2, b1, b2 in SequenceMatcher(None, line, other, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            wrong = max(sum(1 for c in line[a1:a2] if is_han(c)), sum(1 for c in other[b1:b2] if is_han(c)))
            if wrong:
                score.errors += wrong
                # A character of context on each side, so that 智慧 -> 智能 reads as such.
                a1, b1, a2, b2 = max(0, a1 - 1), max(0, b1 - 1), a2 + 1, b2 + 1
                score.differences[(line[a1:a2], other[b1:b2])] += 1


def evaluate_conversion(documents: Sequence[tuple[str, str]],
                        converters: Sequence[tuple[str, Callable[[str], str]]],
                        protected: Iterable[str] = ()) -> list[Score]:
    """Render each document with OpenCC ``s2twp`` and score each converter on bringing it back.

    ``protected_changed`` counts, for each word of ``protected``, the
    occurrences of the original that the rendering kept in the word's
    Traditional form (OpenCC ``s2tw``; 文件, unlike 建立, renders otherwise)
    and the conversion did not bring back.
    """
    render, characters = opencc.OpenCC("s2twp"), opencc.OpenCC("s2tw")
    forms = [(word, characters.convert(word)) for word in protected]
    scores = [Score(name) for name, _ in converters]
    for _, text in documents:
        taiwan = render.convert(text)
        present = [(word, min(text.count(word), taiwan.count(form))) for word, form in forms if form in taiwan]
        for score, (_, convert) in zip(scores, converters):
            converted = convert(taiwan)
            compare(text, converted, score)
            score.protected_changed += sum(max(0, n - converted.count(word)) for word, n in present)
    return scores


def report_lines(scores: Sequence[Score], n_documents: int, top: int = 20) -> list[str]:
    han = scores[0].han if scores else 0
    lines = [f"{n_documents} Simplified mainland documents, {han:,} Han characters, "
             "rendered Taiwan-style with OpenCC s2twp and converted back", "",
             "| converter | accuracy | errors | protected words changed |", "|---|---|---|---|"]
    lines += [f"| {s.name} | {s.accuracy:.4f} | {s.errors:,} | {s.protected_changed:,} |" for s in scores]
    if scores:
        last = scores[-1]
        lines += ["", f"{last.name}: the {top} most frequent remaining differences (original → converted, "
                      "with a character of context)"]
        for (want, got), n in last.differences.most_common(top):
            lines.append(f"{n:6d}  {want} → {got}")
    return lines


def evaluate_folders(folders: Iterable[Path], top: int = 20) -> list[str]:
    """The report of ``policy evaluate --normalize`` on the mainland documents of ``folders``."""
    from pipeline.normalize import ScriptConverter

    converter = ScriptConverter()
    present = [Path(f) for f in folders if Path(f).is_dir()]
    missing = [str(f) for f in folders if not Path(f).is_dir()]
    if not present:
        raise NotAFolderError(", ".join(missing))
    documents = mainland_documents(present, lambda text: converter.detect(text) == ("simplified", "mainland"))
    scores = evaluate_conversion(documents, [
        ("OpenCC t2s (characters only)", opencc.OpenCC("t2s").convert),
        ("OpenCC tw2sp (Taiwan phrases)", opencc.OpenCC("tw2sp").convert),
        ("this project", converter.to_canonical),
    ], converter.protected)
    lines = report_lines(scores, len(documents), top)
    if missing:
        lines.insert(0, f"(not a folder, skipped: {', '.join(missing)})")
    return lines
