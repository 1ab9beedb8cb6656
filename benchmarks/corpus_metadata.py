"""Read every document of a folder and score its metadata against the folder's SOURCES.tsv.

    .venv/bin/python benchmarks/corpus_metadata.py ../shared/corpus

Prints, per document, whether it was read (or why not), its n_chars and the
title / issuer / doc_number / genre / admin_level extracted beside the
SOURCES.tsv values, then the share of documents on which each field agrees.
SOURCES.tsv was written by the corpus's collector, independently of the
pipeline: its annotations in brackets ("国务院 (总理 李克强)", "规划 (通知+附件)")
are cut off, "—" means the file has no such value, and "(not in file)"
marks a value the file does not print (counted apart).  admin_level is not a
SOURCES column; it is read off the SOURCES issuer by the rule written in
``gold_level`` (the central state and party: national; a province-level
division's organs: provincial; a prefecture-level city's: prefecture; a
county-level city's: county), using the notes column's level remarks.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.metadata import genre_families
from pipeline.normalize import ScriptConverter
from pipeline.process import metadata, segment_document
from pipeline.store.sources import list_sources

FIELDS = ("title", "issuer", "doc_number", "genre", "admin_level")
_ANNOTATION = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_PROVINCES = ("省", "自治区", "上海市", "北京市", "天津市", "重庆市")


def comparable(value: str | None) -> str | None:
    if value is None:
        return None
    return "".join(unicodedata.normalize("NFKC", value).split())


def gold_value(row: dict, field: str) -> tuple[str | None, bool]:
    """The SOURCES value of a field and whether the file prints it."""
    if field == "admin_level":
        return gold_level(row), True
    value = row[field].strip()
    in_file = "not in file" not in value
    if field != "title":
        value = _ANNOTATION.sub("", value)
    if value in ("—", "-", ""):
        return None, True
    return value, in_file


def gold_level(row: dict) -> str:
    issuer, notes = row["issuer"], row["notes"]
    if "county-level" in notes or "县级市" in issuer:
        return "county"
    if "prefecture-level" in notes or "sub-provincial" in notes:
        return "prefecture"
    if any(word in issuer for word in _PROVINCES):
        return "provincial"
    if re.match(r"^[\u4e00-\u9fff]{2,4}市", issuer):
        return "prefecture"
    return "national"


def main(folder: Path) -> None:
    gold = {row["file"]: row for row in csv.DictReader((folder / "SOURCES.tsv").open(encoding="utf-8"),
                                                       delimiter="\t")}
    converter = ScriptConverter()
    skipped: list = []
    sources, problems = list_sources(folder, skipped)
    for entry in skipped:
        print(f"skipped\t{entry.path.name}\t{entry.reason}")
    for problem in problems:
        print(f"failed\t{problem}")
    families = genre_families()
    agree = {field: [0, 0] for field in FIELDS}
    family = [0, 0]
    not_in_file = {field: 0 for field in FIELDS}
    misses: list[str] = []
    print("file\tread\tn_chars\t" + "\t".join(f"{f}\t{f} (SOURCES)" for f in FIELDS))
    for source in sources:
        row = gold.get(source.path.name)
        try:
            document = metadata(segment_document(source, converter)).document_row
            status, n_chars = "OK", str(document["n_chars"])
        except PipelineError as error:
            document, status, n_chars = None, f"failed: {error.reason} ({error.detail})", ""
        cells = []
        for field in FIELDS:
            got = document[field] if document else None
            want, in_file = gold_value(row, field) if row else (None, True)
            cells += [got or "", (want or "—") + ("" if in_file else " (not in file)")]
            if row is None:
                continue
            if not in_file:
                not_in_file[field] += 1
                continue
            agree[field][1] += 1
            agree[field][0] += comparable(got) == comparable(want)
            if comparable(got) != comparable(want):
                misses.append(f"{source.path.name[:4]} {field}: {got!r} vs {want!r}")
            if field == "genre" and want:
                family[1] += 1
                family[0] += families.get(got or "", got) == families.get(want, want)
        print(f"{source.path.name[:4]}\t{status}\t{n_chars}\t" + "\t".join(cells))
    print()
    print("\n".join(misses))
    print()
    for field in FIELDS:
        hits, total = agree[field]
        print(f"{field}\t{hits}/{total}\t{hits / total:.0%}" + (f"\t({not_in_file[field]} not in file, left out)"
                                                             if not_in_file[field] else ""))
    print(f"genre family\t{family[0]}/{family[1]}\t{family[0] / family[1]:.0%}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"))
