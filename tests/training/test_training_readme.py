"""Every code block of the README's training section, run for real."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from training_helpers import short_tmp

ROOT = Path(__file__).resolve().parents[2]


def _blocks() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text()
    section = text.split("<!-- section: training (issue 12) -->")[1].split("<!-- /section: training -->")[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL)


def test_the_section_has_the_four_one_line_configs() -> None:
    assert [lang for lang, _ in _blocks()] == ["bash", "python", "bash", "bash"]


def test_verl_overrides_compose_with_verl_and_load_the_rmg_reward() -> None:
    pytest.importorskip("verl")
    import verl
    from hydra import compose, initialize_config_dir
    from verl.trainer.ppo.reward import get_custom_reward_fn

    overrides = [tok for line in _blocks()[0][1].splitlines() for tok in shlex.split(line)]
    with initialize_config_dir(config_dir=str(Path(verl.__file__).parent / "trainer" / "config"), version_base=None):
        cfg = compose(config_name="ppo_trainer", overrides=overrides)
    fn = get_custom_reward_fn(cfg)
    out = asyncio.run(
        fn(data_source="openai/gsm8k", solution_str="<think>6*12</think><answer>72</answer>", ground_truth="72")
    )
    assert out["score"] == pytest.approx(1.0) and out["dim/format.think_answer"] == 1.0


def test_trl_snippet_runs() -> None:
    scope: dict = {}
    exec(_blocks()[1][1], scope)
    (fn,) = scope["reward_funcs"]
    assert fn(prompts=["q"], completions=["<think>x</think><answer>3</answer>"], answer=["3"]) == [pytest.approx(1.0)]


def test_openrlhf_snippet_prints_the_reward_file() -> None:
    env_part, *cmd = shlex.split(_blocks()[2][1].strip())
    key, value = env_part.split("=", 1)
    out = subprocess.run(
        [sys.executable if c == "python" else c for c in cmd],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, key: value},
    ).stdout.strip()
    assert Path(out).is_file() and "import reward_func" in Path(out).read_text()


def test_ray_snippet_scores_the_example_file(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    cmd = shlex.split(_blocks()[3][1].strip())
    assert cmd[0] == "rmg"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    ray_tmp = short_tmp()
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_TMPDIR": str(ray_tmp)}
    proc = subprocess.run(
        [sys.executable, "-m", "rmg", *cmd[1:], "--no-progress"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(ray_tmp, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = (tmp_path / "gsm8k.scored.jsonl").read_text().splitlines()
    assert len(rows) == len((ROOT / "examples" / "gsm8k_solutions.jsonl").read_text().splitlines())
