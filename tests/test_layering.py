"""Project rules: small modules, `rmg.core` imports nothing else of rmg, no cycles, a light `import rmg`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for p in (ROOT / "rmg").rglob("*.py")] + [
    p for p in (ROOT / "plugins").rglob("*.py") if "tests" not in p.parts and ".venv" not in p.parts
]


def _imports(path: Path) -> set[str]:
    found = set()
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                found.add(f"{base}.{node.module}" if node.module else base)
            elif node.module:
                found.add(node.module)
    return found


def test_no_module_is_over_about_400_lines() -> None:
    big = {str(p.relative_to(ROOT)): n for p in SOURCES if (n := len(p.read_text().splitlines())) > 420}
    assert not big, f"split these by concept: {big}"


def test_rmg_core_imports_nothing_else_of_rmg() -> None:
    for path in (ROOT / "rmg" / "core").rglob("*.py"):
        outer = {m for m in _imports(path) if m.startswith("rmg.") and not m.startswith("rmg.core")}
        assert not outer, f"{path.relative_to(ROOT)} imports {outer}"


def test_there_are_no_import_cycles_between_rmg_modules() -> None:
    modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in (ROOT / "rmg").rglob("*.py")
    }
    graph = {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}
    # Package __init__ files re-export lazily; a cycle through them is not an import-time cycle.
    graph = {m: {d for d in deps if not modules[d].name == "__init__.py"} for m, deps in graph.items()}
    visiting, done = set(), set()

    def visit(node: str, trail: list[str]) -> None:
        if node in done:
            return
        assert node not in visiting, f"import cycle: {' -> '.join(trail + [node])}"
        visiting.add(node)
        for dep in graph[node]:
            visit(dep, trail + [node])
        visiting.discard(node)
        done.add(node)

    for module in graph:
        visit(module, [])


def test_import_rmg_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, rmg; print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pydantic','openai','pyarrow','rich','click','yaml','pebble','torch','langgraph','ray'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"`import rmg` imported: {out}"
