"""The rule plugins are real distributions: pip-installed into a fresh venv that has rmg, each
one's rewards appear in `rmg list`; uninstalled, they are gone (dependencies come from the
package registry, through pip's cache after `make`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# the host's own rewards: the judge, and the GenRM graders of rmg.training (entry point rmg:training)
HOST = {"judge", "genrm.pairwise", "genrm.pointwise"}

PLUGINS = {
    "rmg-plugin-math": {"math.accuracy", "math.verify_steps"},
    "rmg-plugin-code": {"code.execution", "code.syntax", "code.style", "code.patch_similarity"},
    "rmg-plugin-format": {
        "format.think_answer",
        "format.length",
        "format.repetition",
        "format.cosine_length",
        "format.json",
        "format.tool_call",
        "format.privacy",
        "format.language",
    },
    "rmg-plugin-general": {
        "general.exact_match",
        "general.f1",
        "general.rouge",
        "general.bleu",
        "general.number_accuracy",
        "general.semantic_similarity",
    },
}


def test_each_rule_plugin_appears_in_rmg_list_when_installed_in_a_fresh_venv_and_goes_when_uninstalled(
    tmp_path: Path,
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")

    def pip(*args: str) -> None:
        done = subprocess.run([python, "-m", "pip", "-q", *args], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"pip {' '.join(args)}:\n{done.stdout}\n{done.stderr}"

    def listed() -> set[str]:
        done = subprocess.run(
            [str(venv / "bin" / "rmg"), "list", "--json"], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return {row["name"] for row in json.loads(done.stdout)}

    pip("install", "-e", str(ROOT))
    assert listed() == HOST  # the host's own rewards, and no plugin yet
    for name, rewards in PLUGINS.items():
        pip("install", "-e", str(ROOT / "plugins" / name))
        assert listed() == HOST | rewards, name
        pip("uninstall", "-y", name)
        assert listed() == HOST, name
