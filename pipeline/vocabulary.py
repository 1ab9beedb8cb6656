"""Traditional/Taiwan-style text to Simplified mainland text, with every edit located.

OpenCC's dictionaries do the work: the ones shipped in the installed
``opencc`` package are read at run time (through the package's own
``opencc_dict`` tool, which writes them out as text), never copied into this
repository.  They are composed here into one phrase table and one character
table, applied by forward maximum matching as OpenCC applies them, so that
each replaced phrase is known with its position and a change of length
(網際網路 -> 互联网) maps onto the source characters it replaced.

On top of OpenCC's Taiwan phrases (``TWPhrasesRev``) two tables kept as
data in ``resources/opencc/``:

- ``protected.txt``: mainland words that stay as written (核心, 建立, 整合,
  智慧城市...) where OpenCC would rewrite them (内核, 创建, 集成, 智能城市);
- ``policy_additions.txt``: Taiwan phrases OpenCC lacks, or renders
  differently from mainland policy usage (公共資料 -> 公共数据,
  視覺化 -> 可视化), including the contexts of ambiguous words written as
  longer phrases (申請資料 -> 申请资料).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import opencc

from pipeline.errors import DictionaryError
from pipeline.patterns import any_word

OPENCC_PACKAGE = Path(opencc.__file__).resolve().parent
OPENCC_SHARE = OPENCC_PACKAGE / "clib" / "share" / "opencc"
OPENCC_DICT_TOOL = OPENCC_PACKAGE / "clib" / "bin" / "opencc_dict"


def read_table(path: Path) -> dict[str, tuple[str, ...]]:
    """An OpenCC text dictionary: ``key<TAB>value [value...]`` a line; ``#`` starts a comment line."""
    table: dict[str, tuple[str, ...]] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise DictionaryError(path, f"cannot be read ({error.strerror})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, tab, values = line.partition("\t")
        if not tab or not key or not values.strip():
            raise DictionaryError(f"{path}:{number}", f"not `key<TAB>value`: {line!r}")
        # Later lines do not override earlier ones, as in OpenCC.
        table.setdefault(key.strip(), tuple(values.split()))
    return table


@lru_cache(maxsize=None)
def opencc_dictionary(name: str) -> dict[str, tuple[str, ...]]:
    """One of the installed OpenCC package's dictionaries (``TWPhrasesRev``), read as text."""
    source = OPENCC_SHARE / f"{name}.ocd2"
    if not source.exists():
        raise DictionaryError(source, "OpenCC dictionary missing from the installed opencc package")
    if not OPENCC_DICT_TOOL.exists():
        raise DictionaryError(OPENCC_DICT_TOOL, "the opencc package has no opencc_dict tool")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"{name}.txt"
        done = subprocess.run([str(OPENCC_DICT_TOOL), "-i", str(source), "-o", str(target),
                               "-f", "ocd2", "-t", "text"], capture_output=True, text=True, check=False)
        if done.returncode != 0 or not target.exists():
            raise DictionaryError(source, f"opencc_dict failed ({done.stderr.strip() or done.returncode})")
        return read_table(target)


def _opencc_from_table(table: Mapping[str, str]) -> opencc.OpenCC:
    """An OpenCC converter applying ``table`` alone, by OpenCC's forward maximum matching."""
    with tempfile.TemporaryDirectory() as folder:
        dictionary = Path(folder) / "table.txt"
        dictionary.write_text("".join(f"{k}\t{v}\n" for k, v in sorted(table.items())), encoding="utf-8")
        spec = {"type": "text", "file": str(dictionary)}
        config = Path(folder) / "config.json"
        config.write_text(json.dumps({"name": "policy", "segmentation": {"type": "mmseg", "dict": spec},
                                      "conversion_chain": [{"dict": spec}]}), encoding="utf-8")
        return opencc.OpenCC(str(config))


def _class_of(chars: Iterable[str]) -> re.Pattern[str]:
    """A character class matching each of ``chars``, and every character beyond the BMP.

    ``re`` tests a class that lists characters beyond the BMP one member at a
    time, a hundred times slower; such characters are rare in text, so the
    class takes them all as one range, and a text holding one is simply
    not told apart from a text holding one of ``chars``.
    """
    basic = "".join(sorted(char for char in chars if char <= "\uffff"))
    return re.compile(f"[{re.escape(basic)}\U00010000-\U0010ffff]")


class PhraseConverter:
    """Forward maximum matching of a phrase table, characters one for one elsewhere.

    ``variants`` folds variant characters first (産 -> 產), one for one;
    then at each position the longest phrase key wins, and a character no
    phrase covers goes through ``characters`` (one for one).  The tables
    are loaded into OpenCC as one dictionary, so :meth:`convert` runs at
    OpenCC's speed; :meth:`edits` finds the same phrases in Python, with
    their positions, for the offset map.
    """

    def __init__(self, phrases: Mapping[str, str], characters: Mapping[str, str],
                 variants: Mapping[str, str] | None = None) -> None:
        # OpenCC's text format splits values at spaces: such entries cannot be kept.
        self.phrases = {k: v for k, v in phrases.items() if k and v and " " not in k + v}
        self.characters = {k: v for k, v in characters.items() if len(k) == 1 and len(v) == 1}
        self.variants = {k: v for k, v in (variants or {}).items() if len(k) == 1 and len(v) == 1}
        self._variant_table = str.maketrans(self.variants)
        # Variant characters are rare: a character class finds whether a text
        # has any at C speed, where str.translate looks every character up.
        self._variant_chars = _class_of(self.variants) if self.variants else None
        self._char_table = str.maketrans(self.characters)
        lengths: dict[str, set[int]] = {}
        for key in self.phrases:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}
        # Where no phrase that changes length occurs, conversion is one for one.
        resizing = [k for k, v in self.phrases.items() if len(k) != len(v)]
        self.resizing = any_word(resizing) if resizing else None
        self._engine: opencc.OpenCC | None = None

    @property
    def _opencc(self) -> opencc.OpenCC:
        # Built on first use: a corpus of mainland documents never needs the Taiwan one.
        if self._engine is None:
            table = {k: v for k, v in self.characters.items() if k != v}
            table.update(self.phrases)
            self._engine = _opencc_from_table(table)
        return self._engine

    def edits(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, replacement)`` of each phrase, in order, on variant-folded text."""
        phrases, lengths = self.phrases, self._lengths
        i, n = 0, len(text)
        while i < n:
            for width in lengths.get(text[i], ()):
                if i + width > n:
                    continue  # a shorter slice could match a shorter key under the wrong width
                replacement = phrases.get(text[i:i + width])
                if replacement is not None:
                    yield i, i + width, replacement
                    i += width
                    break
            else:
                i += 1

    def fold(self, text: str) -> str:
        if self._variant_chars is None or self._variant_chars.search(text) is None:
            return text
        return text.translate(self._variant_table)

    def convert(self, text: str) -> str:
        return self.convert_folded(self.fold(text))

    def convert_folded(self, text: str) -> str:
        """:meth:`convert` of text already folded."""
        if "\0" in text:  # OpenCC reads C strings: a NUL would end the text
            return "\0".join(map(self.convert_folded, text.split("\0")))
        try:
            return self._opencc.convert(text)
        except UnicodeError:  # a lone surrogate cannot reach OpenCC as UTF-8
            return self._convert_folded_slowly(text)

    def convert_slowly(self, text: str) -> str:
        """:meth:`convert` through :meth:`edits`: the same result, in Python."""
        return self._convert_folded_slowly(self.fold(text))

    def _convert_folded_slowly(self, text: str) -> str:
        pieces, last = [], 0
        for start, end, replacement in self.edits(text):
            pieces.append(text[last:start].translate(self._char_table))
            pieces.append(replacement)
            last = end
        pieces.append(text[last:].translate(self._char_table))
        return "".join(pieces)

    def convert_chars(self, text: str) -> str:
        """Characters one for one, no phrases (on variant-folded text)."""
        return text.translate(self._char_table)

    def convert_char(self, char: str) -> str:
        return self.fold(char).translate(self._char_table)


def first_values(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {key: values[0] for key, values in table.items()}


def read_words(path: Path) -> tuple[str, ...]:
    """A word list: the first field of each line; ``#`` starts a comment line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise DictionaryError(path, f"cannot be read ({error.strerror})") from None
    return tuple(dict.fromkeys(line.split()[0] for line in lines if line.strip() and not line.startswith("#")))


def traditional_to_simplified(variants: Mapping[str, str] | None = None) -> PhraseConverter:
    """OpenCC ``t2s``: Traditional phrases and characters to Simplified, vocabulary kept.

    ``variants`` are folded first, after OpenCC's CJK compatibility ideographs.
    """
    phrases, characters, folding = _t2s_tables()
    return PhraseConverter(phrases, characters, {**folding, **(variants or {})})


@lru_cache(maxsize=None)
def _t2s_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    characters = first_values(opencc_dictionary("TSCharacters"))
    variants = first_values(opencc_dictionary("CJK_Compatibility_Ideographs"))
    # TSPhrases is keyed on OpenCC's standard forms; Taiwan text writes some
    # characters in their Taiwan variant (為 for 爲), so key it on both.
    tw_variants = first_values(opencc_dictionary("TWVariants"))
    phrases = {}
    for key, values in opencc_dictionary("TSPhrases").items():
        value = values[0]
        phrases.setdefault(key, value)
        phrases.setdefault("".join(tw_variants.get(c, c) for c in key), value)
    return phrases, characters, variants


@lru_cache(maxsize=None)
def simplified_to_traditional() -> opencc.OpenCC:
    """OpenCC ``s2t``, loaded once."""
    return opencc.OpenCC("s2t")


def _mainland_forms(words: Iterable[str]) -> dict[str, str]:
    """Each mainland word under the Traditional forms a Taiwan-style text writes it in.

    OpenCC ``s2t``, then ``s2tw`` (Taiwan variant characters on top), then
    the Taiwan rendering ``s2twp`` (Taiwan phrases too: 智慧社区 as 智慧社群),
    composed here from the same dictionaries rather than loading three
    OpenCC configurations.  A form already taken keeps its first word, so
    文件, which renders as 檔案, does not take 档案's form.
    """
    s2t = simplified_to_traditional()
    tw_variants = str.maketrans(first_values(opencc_dictionary("TWVariants")))
    tw_phrases = PhraseConverter(first_values(opencc_dictionary("TWPhrases")), {})
    traditional = [(word, s2t.convert(word)) for word in words]
    forms: dict[str, str] = {}
    for word, written in traditional:
        forms.setdefault(written, word)
    for word, written in traditional:
        forms.setdefault(written.translate(tw_variants), word)
    for word, written in traditional:
        forms.setdefault(tw_phrases.convert_slowly(written).translate(tw_variants), word)
    return forms


def taiwan_to_mainland(protected: Iterable[str], additions: Mapping[str, str],
                       variants: Mapping[str, str] | None = None) -> PhraseConverter:
    """OpenCC ``tw2sp`` without its over-conversions: protected words stay, policy additions first.

    Priority where two tables have the same key: protected words, then the
    policy additions, then OpenCC's Taiwan phrases (``TWPhrasesRev``,
    ``TWVariantsRevPhrases``), then its Traditional phrases.  Across keys the
    longest match wins, so 智慧城市 (protected) beats 智慧 (Taiwan phrase).
    """
    t2s = traditional_to_simplified(variants)
    phrases: dict[str, str] = {}
    phrases.update(_mainland_forms(protected))
    for key, value in additions.items():
        phrases.setdefault(key, value)
    for name in ("TWPhrasesRev", "TWVariantsRevPhrases"):
        for key, values in opencc_dictionary(name).items():
            phrases.setdefault(key, t2s.convert_slowly(values[0]))
    for key, value in t2s.phrases.items():
        phrases.setdefault(key, value)
    tw_chars = first_values(opencc_dictionary("TWVariantsRev"))
    to_simplified = t2s.characters
    characters = dict(to_simplified)
    for char, standard in tw_chars.items():
        characters[char] = to_simplified.get(standard, standard)
    return PhraseConverter(phrases, characters, t2s.variants)
