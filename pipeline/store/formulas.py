"""Row formulas over named columns, evaluated at once with ``pyarrow.compute``, and integer codes for keys.

A check's predicate is a :class:`Formula`: written like a
``pyarrow.compute.Expression`` (``field("start") <= field("end")``), with the
same operators calling the same compute functions (``&`` is ``and_kleene``,
``|`` is ``or_kleene``, ``+`` is ``add_checked``), so nulls and casts behave
as they do in an Expression. It is evaluated by calling those functions on the
columns directly, not through an Acero plan: on one document's tables (tens of
rows) a plan's fixed cost, not the rows, was most of the checks' time. For
the same reason a null test that is one value for the whole column is not
computed per row, nor the ``|`` or ``&`` it decides, and booleans and key
indices reach numpy from Arrow's buffers, without a cast or fill_null.

Keys are matched through :func:`key_codes`: each row's key as one integer,
shared between the rows of two tables, so a foreign key, a lookup of the
parent row or a repeated key is a numpy operation on integers instead of a
hash join per check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class Formula:
    """A compute function applied to columns (``field``), literals and other formulas; ``evaluate`` runs it."""

    __slots__ = ("function", "arguments", "options")
    __hash__ = None  # == builds a formula, as in pyarrow.compute.Expression

    def __init__(self, function: str, arguments: Sequence[object], options: pc.FunctionOptions | None = None) -> None:
        self.function = function
        self.arguments = tuple(arguments)
        self.options = options

    def evaluate(self, columns: Mapping[str, pa.Array], memo: dict | None = None) -> pa.Array:
        """The formula's value on each row of ``columns`` (a mapping of equally long arrays by name).

        ``memo`` keeps the value of every formula evaluated on these columns, so
        a part that several checks share (``kind`` is a marker kind) is computed once.
        """
        value = self._value(columns, memo)
        if isinstance(value, pa.Scalar):  # decided for every row at once (see _value)
            rows = columns.table.num_rows if isinstance(columns, Columns) else len(next(iter(columns.values())))
            value = pa.repeat(value, rows)
        return value

    def _value(self, columns: Mapping[str, pa.Array], memo: dict | None) -> pa.Array | pa.Scalar:
        """The formula's value: an array, or one scalar when it is the same on every row.

        On one document's rows a column is often null everywhere or nowhere
        (a document's dates, a target's value_max): its null test is then one
        value, and the Kleene ``|`` and ``&`` it decides (``true | x`` is true,
        ``false | x`` is ``x``) are not computed, nor their other side.
        """
        if self.function == "field":
            return columns[self.arguments[0]]
        if memo is not None and id(self) in memo:
            return memo[id(self)][1]
        if self.function in _KLEENE:
            value = self._kleene(columns, memo)
        else:
            values = [argument._value(columns, memo) if isinstance(argument, Formula) else argument
                      for argument in self.arguments]
            value = _null_test(self.function, values[0]) if self.function in _NULL_TESTS else None
            if value is None:
                value = pc.call_function(self.function, values, self.options)
        if memo is not None:
            memo[id(self)] = (self, value)  # the formula is kept with its value, so its id stays its own
        return value

    def _kleene(self, columns: Mapping[str, pa.Array], memo: dict | None) -> pa.Array | pa.Scalar:
        """``and_kleene`` or ``or_kleene``, not computed when one side is a value that decides it."""
        deciding = self.function == "or_kleene"  # true decides an or, false an and; the other value leaves the other side
        left, right = self.arguments
        left = left._value(columns, memo) if isinstance(left, Formula) else left
        if _constant(left) is deciding:
            return left
        right = right._value(columns, memo) if isinstance(right, Formula) else right
        if _constant(left) is (not deciding) or _constant(right) is deciding:
            return right
        if _constant(right) is (not deciding):
            return left
        return pc.call_function(self.function, [left, right], self.options)

    def _call(self, function: str, *others: object, options: pc.FunctionOptions | None = None) -> Formula:
        return Formula(function, [self, *map(_operand, others)], options)

    def __and__(self, other: object) -> Formula:
        return self._call("and_kleene", other)

    def __or__(self, other: object) -> Formula:
        return self._call("or_kleene", other)

    def __invert__(self) -> Formula:
        return self._call("invert")

    def __eq__(self, other: object) -> Formula:  # type: ignore[override]
        return self._call("equal", other)

    def __ne__(self, other: object) -> Formula:  # type: ignore[override]
        return self._call("not_equal", other)

    def __lt__(self, other: object) -> Formula:
        return self._call("less", other)

    def __le__(self, other: object) -> Formula:
        return self._call("less_equal", other)

    def __gt__(self, other: object) -> Formula:
        return self._call("greater", other)

    def __ge__(self, other: object) -> Formula:
        return self._call("greater_equal", other)

    def __add__(self, other: object) -> Formula:
        return self._call("add_checked", other)

    def __sub__(self, other: object) -> Formula:
        return self._call("subtract_checked", other)

    def __mul__(self, other: object) -> Formula:
        return self._call("multiply_checked", other)

    def is_null(self) -> Formula:
        return self._call("is_null", options=pc.NullOptions(nan_is_null=False))

    def is_valid(self) -> Formula:
        return self._call("is_valid")

    def isin(self, values: Sequence[object]) -> Formula:
        """Whether the value is one of ``values``; a null is when ``values`` hold None (never a null answer)."""
        return self._call("is_in", options=pc.SetLookupOptions(pa.array(values)))

    def cast(self, target: pa.DataType) -> Formula:
        return self._call("cast", options=pc.CastOptions.safe(target))

    def utf8_length(self) -> Formula:
        return self._call("utf8_length")

    def matches(self, pattern: str) -> Formula:
        """Whether the (string) value matches the regular expression ``pattern`` (RE2, as ``match_substring_regex``)."""
        return self._call("match_substring_regex", options=pc.MatchSubstringOptions(pattern))


_KLEENE = ("and_kleene", "or_kleene")
_NULL_TESTS = ("is_null", "is_valid")


def _constant(value: object) -> bool | None:
    """True or False for a boolean scalar that holds one, else None (an array, a null)."""
    if isinstance(value, pa.BooleanScalar) and value.is_valid:
        return value.as_py()
    return None


def _null_test(function: str, value: object) -> pa.BooleanScalar | None:
    """``is_null`` or ``is_valid`` of an array null on no row or on every row, as one value; else None."""
    if not isinstance(value, pa.Array) or (0 < value.null_count < len(value)) or not len(value):
        return None
    if value.type == pa.null():
        return None  # no type to read values from: computed as usual
    null = value.null_count == len(value)
    return pa.scalar(null if function == "is_null" else not null)


def field(name: str) -> Formula:
    """The column ``name`` of the rows the formula is evaluated on."""
    return Formula("field", [name])


def if_else(condition: Formula, then: object, otherwise: object) -> Formula:
    return condition._call("if_else", then, otherwise)


def _operand(value: object) -> object:
    return value if isinstance(value, (Formula, pa.Scalar)) else pa.scalar(value)


class Columns(Mapping[str, pa.Array]):
    """The columns of a table as single arrays, combined from their chunks when first read."""

    def __init__(self, table: pa.Table, positions: str | None = None) -> None:
        """``positions``: the name under which the row positions (0, 1, …) read as one more column, when given."""
        self.table = table
        self.positions = positions
        self._arrays: dict[str, pa.Array] = {}
        self.memo: dict[int, tuple[Formula, pa.Array]] = {}  # formulas evaluated on these columns

    def __getitem__(self, name: str) -> pa.Array:
        if name not in self._arrays:
            if name == self.positions and name not in self.table.column_names:
                self._arrays[name] = pa.array(np.arange(self.table.num_rows, dtype=np.int64))
            else:
                column = self.table.column(name)
                self._arrays[name] = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
        return self._arrays[name]

    def __iter__(self):
        return iter(dict.fromkeys([*self.table.column_names, *([self.positions] if self.positions else [])]))

    def __len__(self) -> int:
        return len(list(iter(self)))


def holding(columns: Columns, predicate: Formula) -> np.ndarray:
    """Whether ``predicate`` is true on each row (false or null: False)."""
    return booleans(predicate.evaluate(columns, columns.memo))


# Arrays reach numpy without nulls and through the zero-copy path only:
# ``to_numpy(zero_copy_only=False)`` converts through Arrow's pandas code,
# which allocates from Arrow's own default allocator (mimalloc) whatever pool
# is set, and its first allocation reserves 1 GiB of address space: in a
# bounded worker (``RLIMIT_AS``) the document then fails as too large.

def booleans(array: pa.Array) -> np.ndarray:
    """A boolean array as numpy booleans, null as False.

    Read from the array's bits directly: a cast and a fill_null per check were
    most of the cost of a passing check on one document's rows.
    """
    if array.type != pa.bool_():  # a formula over null-typed columns gives nulls of no type
        array = array.cast(pa.bool_())
    validity, values = array.buffers()
    true = _bits(values, array.offset, len(array))
    if array.null_count:
        true &= _bits(validity, array.offset, len(array))
    return true


def _bits(buffer: pa.Buffer | None, offset: int, length: int) -> np.ndarray:
    """Bits ``offset`` to ``offset + length`` of an Arrow bitmap (least significant bit first) as numpy booleans."""
    if not length:
        return np.zeros(0, dtype=np.bool_)
    bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), count=offset + length, bitorder="little")
    return bits[offset:].view(np.bool_)


def numbers(array: pa.Array, null: object = 0) -> np.ndarray:
    """A numeric array as numpy, ``null`` in place of nulls."""
    if array.null_count:
        array = pc.fill_null(array, null)
    return array.to_numpy()


def failing(columns: Columns, predicate: Formula) -> np.ndarray:
    """The positions of the rows where ``predicate`` is false or null."""
    return np.flatnonzero(~holding(columns, predicate))


# ---------------------------------------------------------------------------
# Keys as integers

NO_KEY = -1  # the code of a key with a null part, when nulls match nothing
MAX_CODES = 2 ** 62  # codes are renumbered densely before they could pass this (int64 overflow)


def key_codes(columns: Sequence[pa.Array], *, nulls_match: bool = False) -> np.ndarray:
    """One integer per row for its values in ``columns`` (equal keys, equal codes; -1 when a part is null).

    With ``nulls_match`` a null is a value like any other (grouping puts
    nulls together); otherwise a key with a null part gets :data:`NO_KEY`
    and matches nothing (as in a join). To share codes between two tables,
    pass their key columns concatenated (:func:`shared_key_codes`).
    """
    rows = len(columns[0])
    codes = np.zeros(rows, dtype=np.int64)
    if not rows:
        return codes
    width = 1  # how many distinct codes there can be so far
    unkeyed = np.zeros(rows, dtype=np.bool_)  # a part is null, when nulls match nothing
    for column in columns:
        encoded = pc.dictionary_encode(column, null_encoding="encode" if nulls_match else "mask")
        indices = _int32s(encoded.indices)
        if encoded.indices.null_count:
            null = ~_bits(encoded.indices.buffers()[0], encoded.indices.offset, rows)
            unkeyed |= null
            indices = np.where(null, 0, indices)  # a null's index is undefined
        size = max(len(encoded.dictionary), 1)
        if width * size >= MAX_CODES:
            _, dense = np.unique(codes, return_inverse=True)
            codes, width = dense.astype(np.int64), int(dense.max()) + 1
        codes = codes * size + indices
        width *= size
    codes[unkeyed] = NO_KEY
    return codes


def _int32s(array: pa.Array) -> np.ndarray:
    """The values of an int32 array as numpy (a null's value is whatever its slot holds)."""
    return np.frombuffer(array.buffers()[1], dtype=np.int32, count=array.offset + len(array))[array.offset:]


def shared_key_codes(columns: Sequence[pa.Array], other_columns: Sequence[pa.Array]) -> tuple[np.ndarray, np.ndarray]:
    """The codes of two tables' keys (``columns`` of one, ``other_columns`` of the other), comparable across them."""
    rows = len(columns[0])
    both = [pa.concat_arrays([mine if mine.type == theirs.type else mine.cast(theirs.type), theirs])
            for mine, theirs in zip(columns, other_columns)]
    codes = key_codes(both)
    return codes[:rows], codes[rows:]


def repeated(codes: np.ndarray) -> np.ndarray:
    """The positions, in order, of the rows whose code another row has too."""
    order = np.argsort(codes, kind="stable")
    same = codes[order][1:] == codes[order][:-1]  # a row and the next in code order share it
    if not same.any():
        return np.zeros(0, dtype=np.int64)
    shared = np.zeros(len(codes), dtype=np.bool_)
    shared[1:] |= same
    shared[:-1] |= same
    return np.sort(order[shared])


def first_match(codes: np.ndarray, parent_codes: np.ndarray) -> np.ndarray:
    """For each code, the position of the first parent row with the same code, or -1 when there is none."""
    keyed = np.flatnonzero(parent_codes != NO_KEY)
    keys, first = np.unique(parent_codes[keyed], return_index=True)  # the first of a repeated key: unique sorts stably
    if not len(keys):
        return np.full(len(codes), -1, dtype=np.int64)
    position = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
    found = (codes != NO_KEY) & (keys[position] == codes)
    return np.where(found, keyed[first[position]], -1)


def groups(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by their value (nulls together), groups in order of first appearance, as a group-by gives them.

    Returns:
        Each row's group, and each group's first row.
    """
    encoded = pc.dictionary_encode(column, null_encoding="encode")  # the dictionary is in order of first appearance
    group = encoded.indices.to_numpy().astype(np.int64)
    first = np.full(len(encoded.dictionary), len(group), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(group)))
    return group, first
