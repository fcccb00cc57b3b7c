"""J's stand-ins for what lives in W: `Remote` (an object of the solution's, used through
requests to W, equal only to itself) and `Names` (the tests' builtins: Python's own, else a name
looked up in W). See judge.py for why."""

from __future__ import annotations

import builtins

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .judge import Judge


class Remote:
    """An object that lives in W. Every use is a request to W; equality is identity."""

    __slots__ = ("_j", "_n")

    def __init__(self, judge: Judge, n: int) -> None:
        object.__setattr__(self, "_j", judge)
        object.__setattr__(self, "_n", n)

    def _ask(self, op: str, *args: Any, **fields: Any) -> Any:
        return self._j.request(op, (self,) + args, **fields)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._j.request("call", (self,) + args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name not in ("__name__", "__qualname__", "__doc__", "__module__"):
            raise AttributeError(name)
        return self._ask("attr", n=name)

    def __iter__(self) -> Any:
        return self._ask("iter")

    def __next__(self) -> Any:
        return self._ask("next")

    def __bool__(self) -> bool:
        return bool(self._ask("bool"))

    def __len__(self) -> int:
        return int(self._ask("len"))

    def __getitem__(self, key: Any) -> Any:
        return self._ask("item", key)

    def __contains__(self, item: Any) -> bool:
        return bool(self._ask("contains", item))

    def __repr__(self) -> str:
        return str(self._ask("repr"))

    def __str__(self) -> str:
        return str(self._ask("str"))


class Names(dict):  # type: ignore[type-arg]
    """J's builtins: Python's own, always (a solution that defines `abs` or `sorted` must not
    decide what the tests' `abs` returns); any other unknown name is looked up in W. Filled on
    first use of each name (copying all builtins costs pages)."""

    def __init__(self, judge: Judge) -> None:
        super().__init__(__build_class__=builtins.__build_class__, __import__=builtins.__import__)
        self.judge = judge

    def __missing__(self, name: str) -> Any:
        real = vars(builtins)
        value = real[name] if name in real else self.judge.request("get", (), n=name)
        self[name] = value
        return value
