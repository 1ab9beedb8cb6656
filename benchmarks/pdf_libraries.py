"""How the PDF library was chosen: three readers on the corpus PDFs (README, "Containers").

Not part of the package: pdfminer.six and pypdf are not dependencies, so run
it in a throwaway environment:

    python3 -m venv /tmp/pdfbench && /tmp/pdfbench/bin/pip install pdfminer.six pypdf pypdfium2
    /tmp/pdfbench/bin/python benchmarks/pdf_libraries.py ../shared/corpus

For each library: Han characters recovered, Kangxi / CJK radical code points
left in the text (⼈ for 人: wrong characters for search and counting), the
best of two timings, and the characters each has beyond PDFium's text and
short of it (difflib on the texts without white space, NFKC-folded): an
overprinted heading or a repeated label counts as extra, a lost character as
missing; a block in another order would count as both.
"""
import difflib
import io
import logging
import re
import sys
import time
import unicodedata
from pathlib import Path

logging.disable(logging.WARNING)  # pdfminer warns about every font bounding box it cannot parse
HAN = re.compile(r"[\u4e00-\u9fff]")
RADICALS = re.compile(r"[\u2e80-\u2fdf]")


def read_pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def read_pypdf(data: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def read_pdfium(data: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    texts = []
    for page in document:
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    document.close()
    return "\n".join(texts)


LIBRARIES = {"pdfminer.six": read_pdfminer, "pypdf": read_pypdf, "pypdfium2": read_pdfium}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def main(corpus: Path) -> None:
    totals = {name: [0, 0, 0.0, 0, 0] for name in LIBRARIES}
    for pdf in sorted(corpus.glob("*.pdf")):
        data = pdf.read_bytes()
        texts = {}
        for name, read in LIBRARIES.items():
            best = float("inf")
            for _ in range(2):
                started = time.perf_counter()
                texts[name] = read(data)
                best = min(best, time.perf_counter() - started)
            totals[name][0] += len(HAN.findall(texts[name]))
            totals[name][1] += len(RADICALS.findall(texts[name]))
            totals[name][2] += best
        reference = squash(texts["pypdfium2"])
        for name, text in texts.items():
            opcodes = difflib.SequenceMatcher(None, squash(text), reference, autojunk=False).get_opcodes()
            totals[name][3] += sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag in ("delete", "replace"))
            totals[name][4] += sum(j2 - j1 for tag, _, _, j1, j2 in opcodes if tag in ("insert", "replace"))
        print(pdf.name, {name: len(HAN.findall(text)) for name, text in texts.items()}, flush=True)
    print("library\tHan\tradicals\tseconds\textra\tmissing")
    for name, (han, radicals, seconds, extra, missing) in totals.items():
        print(f"{name}\t{han}\t{radicals}\t{seconds:.2f}\t{extra}\t{missing}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"))
