"""Project rules: the layers of ARCHITECTURE.md (import-linter, string imports included), small
modules, a light `import rmg`, and a public API whose lazy table and type-checking imports agree."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
SOURCES = [p for p in (ROOT / "rmg").rglob("*.py")] + [
    p for p in (ROOT / "plugins").rglob("*.py") if "tests" not in p.parts and ".venv" not in p.parts
]
# A string naming an rmg module: "rmg.judges.plugin", "rmg.cli.list_cmd:list_command".
MODULE_STRING = re.compile(r"^(rmg(?:\.\w+)+)(?::\w+)?$")


def _lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def test_the_import_linter_contracts_hold() -> None:
    proc = _lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_the_import_linter_fails_on_a_deliberately_added_bad_import(tmp_path: Path) -> None:
    """A copy of the package whose core imports the judges breaks the layers contract."""
    shutil.copytree(ROOT / "rmg", tmp_path / "rmg", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    schema = tmp_path / "rmg" / "core" / "schema.py"
    schema.write_text(schema.read_text() + "\nimport rmg.judges  # a layering violation\n")
    proc = _lint_imports(tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert proc.returncode != 0
    assert "rmg.core.schema -> rmg.judges" in proc.stdout


def _layers() -> list[set[str]]:
    """The layers contract of pyproject.toml, top first, as sets of `rmg.<package>` names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["id"] == "layers"]
    return [{"rmg." + part.strip().strip("()") for part in layer.split("|")} for layer in contract["layers"]]


def _level(module: str, layers: list[set[str]]) -> tuple[int, str] | None:
    package = ".".join(module.split(".")[:2])
    for depth, layer in enumerate(layers):
        if package in layer:
            return depth, package
    return None


def _string_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = MODULE_STRING.match(node.value.strip())
            if match:
                found.add(match.group(1))
    return found


def string_import_violations(root: Path) -> list[str]:
    """Strings in rmg naming a module of a higher layer, or of a sibling in the same layer."""
    layers = _layers()
    problems = []
    for path in (root / "rmg").rglob("*.py"):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        here = _level(module, layers)
        if here is None:  # the top-level package (the public API) may name anything
            continue
        for target in _string_imports(path):
            there = _level(target, layers)
            if there is None or there[1] == here[1]:
                continue
            if there[0] <= here[0]:
                problems.append(f"{path.relative_to(root)} names {target} (layer {there[1]} is not below {here[1]})")
    return problems


def test_imports_written_as_strings_respect_the_layers_too() -> None:
    assert string_import_violations(ROOT) == []


def test_the_string_import_check_catches_core_naming_a_judge_module(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rmg", tmp_path / "rmg", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    plugins = tmp_path / "rmg" / "core" / "plugins.py"
    plugins.write_text(plugins.read_text() + '\n_BUILTIN = "rmg.judges.plugin"\n')
    problems = string_import_violations(tmp_path)
    assert problems and "rmg.judges.plugin" in problems[0]


def test_no_module_is_over_about_400_lines() -> None:
    big = {str(p.relative_to(ROOT)): n for p in SOURCES if (n := len(p.read_text().splitlines())) > 420}
    assert not big, f"split these by concept: {big}"


def test_import_rmg_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, rmg; print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pydantic','openai','pyarrow','rich','click','yaml','pebble','torch','langgraph','ray'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"`import rmg` imported: {out}"


def test_the_lazy_export_table_and_the_type_checking_imports_of_rmg_agree() -> None:
    """Every name in `rmg._EXPORTS` is imported, from the same module, under TYPE_CHECKING, and
    every exported name resolves."""
    import rmg

    tree = ast.parse((ROOT / "rmg" / "__init__.py").read_text())
    typed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    typed.update({alias.name: stmt.module or "" for alias in stmt.names})
    assert typed == rmg._EXPORTS
    assert sorted(rmg.__all__) == sorted(["__version__", "hookimpl", *rmg._EXPORTS])
    for name in rmg._EXPORTS:
        assert getattr(rmg, name) is not None


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
