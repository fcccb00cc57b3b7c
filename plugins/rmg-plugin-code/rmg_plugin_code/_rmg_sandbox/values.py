"""Values between the judge J and the solution's process W (see `judge.py`), as tagged JSON.

What W sends is written by the untrusted code's process, so J decodes it with `json` (safe on
hostile input) into exact builtin types only: plain data (None, bool, int, float, str, list,
tuple, dict, set, frozenset, bytes, bytearray, complex, range, Fraction, Decimal) or a handle
(`{"__r": n}`) to an object that stays in W. J compares plain data with the builtins' own
equality; the solution's classes, and so their `__eq__`, never exist in J.

W turns what the code returns into plain data where the value has a builtin meaning (an
instance of a builtin type or a subclass: a Counter is a dict, a namedtuple a tuple, an IntEnum
an int; numpy scalars and arrays via `item()` / `tolist()`), computed in W: the code can make
W claim any plain value, which is no more than returning it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

BIG_INT_BITS = 13000  # ints beyond ~4000 digits travel as hex (json's int parsing limit)
MAX_DEPTH = 200


def encode(value: Any, ref: Callable[[Any, int], Any], depth: int = 0) -> Any:
    """A JSON-ready form of `value`; `ref(obj, depth)` gives the form of what is not plain data."""
    t = type(value)
    if value is None or t is bool or t is str or t is float:
        return value
    if t is int:
        return value if value.bit_length() <= BIG_INT_BITS else {"__i": "%x" % value}
    if depth > MAX_DEPTH:
        return ref(value, depth)
    depth += 1
    if t is list:
        return [encode(v, ref, depth) for v in value]
    if t is tuple:
        return {"__t": [encode(v, ref, depth) for v in value]}
    if t is dict:
        return {"__d": [[encode(k, ref, depth), encode(v, ref, depth)] for k, v in value.items()]}
    if t is set or t is frozenset:
        return {"__s" if t is set else "__f": [encode(v, ref, depth) for v in value]}
    if t is bytes or t is bytearray:
        return {"__b" if t is bytes else "__ba": value.decode("latin-1")}
    if t is complex:
        return {"__c": [value.real, value.imag]}
    if t is range:
        return {"__g": [value.start, value.stop, value.step]}
    return ref(value, depth)


def decode(data: Any, handle: Callable[[int], Any]) -> Any:
    """Exact builtin values back from `encode`'s form; `handle(n)` makes a handle's object.
    Raises ValueError / TypeError on a malformed form (a set of lists, an unknown tag)."""
    if isinstance(data, list):
        return [decode(v, handle) for v in data]
    if not isinstance(data, dict):
        return data  # None, bool, int, float, str: json made them exact
    if len(data) != 1:
        raise ValueError("malformed value")
    tag, body = next(iter(data.items()))
    if tag == "__t":
        return tuple(decode(v, handle) for v in body)
    if tag == "__d":
        return {decode(k, handle): decode(v, handle) for k, v in body}
    if tag == "__s":
        return {decode(v, handle) for v in body}
    if tag == "__f":
        return frozenset(decode(v, handle) for v in body)
    if tag == "__b":
        return str(body).encode("latin-1")
    if tag == "__ba":
        return bytearray(str(body).encode("latin-1"))
    if tag == "__c":
        return complex(float(body[0]), float(body[1]))
    if tag == "__g":
        return range(int(body[0]), int(body[1]), int(body[2]))
    if tag == "__i":
        return int(str(body), 16) if not str(body).startswith("-") else -int(str(body)[1:], 16)
    if tag == "__q":
        import fractions

        return fractions.Fraction(int(body[0]), int(body[1]))
    if tag == "__m":
        import decimal

        return decimal.Decimal(str(body))
    if tag == "__r":
        return handle(int(body))
    raise ValueError("malformed value")


def plainish(value: Any) -> Any:
    """W's side: the builtin value a value stands for (a Counter's dict, a numpy scalar's
    number), a tagged form (Fraction, Decimal), or `value` itself when it has no builtin meaning."""
    t = type(value)
    module = getattr(t, "__module__", "") or ""
    if module == "fractions" and t.__name__ == "Fraction":
        return {"__q": [int(value.numerator), int(value.denominator)]}
    if module == "decimal" and t.__name__ == "Decimal":
        return {"__m": str(value)}
    for base in (bool, int, float, str, bytes, bytearray, complex, dict, tuple, list, frozenset, set):
        if isinstance(value, base):
            return base(value)
    if module.startswith("numpy"):
        convert = getattr(value, "tolist", None) or getattr(value, "item", None)
        if convert is not None:
            return convert()
    return value
