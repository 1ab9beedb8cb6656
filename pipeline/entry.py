"""The ``policy`` command's entry point: ``policy extract`` on an up-to-date folder answers before the command line is built.

Building the command line (typer, and the pydantic it makes every option's
parser with) took half the time of a run with nothing to do. So the plain
form, ``policy extract [SEEDS] [--out OUT]`` and no other option, first asks
:func:`pipeline.corpus.extract_corpus` whether the folder is up to date,
changing nothing but its stat cache; when it is, the answer is printed here, the same lines
:mod:`pipeline.cli` prints. Any other command line, a folder with work to do,
or anything that would be an error goes to :mod:`pipeline.cli` unchanged,
which then says what it always says; a folder with work to do also hands
its listing over, so that the sources are listed and hashed once.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline import config
from pipeline.errors import PipelineError
from pipeline.store.files import CODEBOOK_NAME

_OUT_OPTIONS = ("--out", "-o")


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    folders = plain_extract(args)
    code = _up_to_date_answer(*folders) if folders is not None else None
    if code is not None:
        sys.exit(code)
    from pipeline.cli import app

    app(args=args, prog_name="policy")


def plain_extract(args: Sequence[str]) -> tuple[Path, Path] | None:
    """(SEEDS, OUT) of ``extract [SEEDS] [--out OUT | -o OUT | --out=OUT]``, defaults filled in; None for any other command line."""
    if not args or args[0] != "extract":
        return None
    seeds, out = None, None
    rest = list(args[1:])
    while rest:
        word = rest.pop(0)
        if word.startswith("--out="):
            word, value = "--out", word.removeprefix("--out=")
        elif word in _OUT_OPTIONS and rest:
            value = rest.pop(0)
        elif not word.startswith("-") and seeds is None:
            seeds = word
            continue
        else:
            return None  # another option, a second argument: typer's to parse
        if out is not None or not value or value.startswith("-"):
            return None
        out = value
    return (Path(seeds) if seeds is not None else config.DEFAULT_SEEDS_DIR,
            Path(out) if out is not None else config.DEFAULT_DATA_DIR)


def _up_to_date_answer(seeds_dir: Path, out: Path) -> int | None:
    """Print the report of an up-to-date ``out`` and return the exit code of ``policy extract``; None when there is work or doubt.

    When there is work, the folder's listing is handed over to the full
    command (:func:`pipeline.corpus.hand_over`), which then does not list,
    read and hash every source again.
    """
    from pipeline.corpus import Listing, extract_corpus, hand_over  # light until there is work (see its imports)

    if not (seeds_dir.is_dir() and (out / CODEBOOK_NAME).is_file()):
        return None
    try:
        result = extract_corpus(seeds_dir, out, only_if_up_to_date=True)
    except (PipelineError, OSError):
        return None  # the full command reports it
    if isinstance(result, Listing):
        hand_over(result)
        return None
    if result.n_documents == 0:
        return None
    for line, to_stderr in result.summary_lines(out):
        print(line, file=sys.stderr if to_stderr else sys.stdout)
    return 0 if result.ok else 1


if __name__ == "__main__":
    main()
