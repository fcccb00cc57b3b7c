"""Compile the sandbox's code on the host, so each run loads a code object instead of compiling.

Compiling in the sandbox costs ~0.3 ms a run, mostly pages of the template that the compiler
touches and the run must copy; the host compiles in ~0.1 ms, in place of the syntax check it made
anyway. Compiling runs none of the code. The result must be what the sandbox's own `compile()`
would give, or None, and the sandbox then compiles the source as before:

- the same flags: none (`dont_inherit`: the code runs as plain Python would run it, annotations
  evaluated, whatever __future__ imports the compiling module has); no -O (asserts stay);
- warnings: the sandbox prints a SyntaxWarning to the run's stderr (its output) and ignores
  DeprecationWarnings (its default filters); here the first becomes an error, so the sandbox
  compiles that code and prints the warning as before, and the second is ignored likewise. The
  filters are set around each compile, whatever the process's own filters say (pytest's, -W);
- any error (also a compile-stage SyntaxError such as `return` outside a function) leaves the
  reporting to the sandbox, word for word as before.
"""

from __future__ import annotations

import threading
import warnings
from types import CodeType

__all__ = ["precompile"]

# warnings.catch_warnings swaps process-wide state: our own threads (the candidates of a sample)
# take turns.
_LOCK = threading.Lock()


def precompile(source: str, filename: str) -> CodeType | None:
    """`source` compiled as the sandbox would compile it, or None (the sandbox compiles it)."""
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        try:
            return compile(source, filename, "exec", dont_inherit=True, optimize=0)
        except Exception:
            return None
