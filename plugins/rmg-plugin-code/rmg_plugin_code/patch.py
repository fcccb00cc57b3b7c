"""`code.patch_similarity`: how close a generated unified diff is to the reference diff.

Formula. Each diff is reduced, per file, to its changed lines in order: removed lines as
`-text`, added lines as `+text` (trailing whitespace dropped; hunk headers, line numbers and
context lines ignored, so a patch made with other context sizes or offsets still matches). For a
file f with changed-line sequences G_f (generated) and R_f (reference):

    sim_f   = 2 * LCS(G_f, R_f) / (|G_f| + |R_f|)        (line-level, via rapidfuzz's Indel)
    score   = sum_f w_f * sim_f / sum_f w_f,   w_f = max(|G_f|, |R_f|)

over the union of files, so a file changed by only one side counts with similarity 0 and its full
weight. rapidfuzz was chosen over difflib: it computes the exact LCS in linear-ish time
(difflib's SequenceMatcher is a heuristic with "junk" rules and quadratic worst cases).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import Field
from rapidfuzz.distance import Indel

import rmg

from .extract import extract_diff

__all__ = ["PatchSimilarity", "changed_lines"]


_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


def changed_lines(diff: str) -> dict[str, list[str]]:
    """File path -> its changed lines (`-old` / `+new`), in order. Hunk line counts are followed,
    so a removed line that itself starts with `-- ` is not taken for a file header."""
    files: dict[str, list[str]] = {}
    current: str | None = None
    removed_from: str | None = None
    old_left = new_left = 0
    for line in diff.splitlines():
        if old_left > 0 or new_left > 0:  # inside a hunk
            tag = line[:1]
            if tag == "-":
                old_left -= 1
            elif tag == "+":
                new_left -= 1
            elif tag in (" ", ""):
                old_left -= 1
                new_left -= 1
                continue
            else:
                continue  # "\ No newline at end of file"
            files.setdefault(current or "", []).append(tag + line[1:].rstrip())
            continue
        hunk = _HUNK.match(line)
        if hunk:
            old_left = int(hunk.group(1) or 1)
            new_left = int(hunk.group(2) or 1)
        elif line.startswith("diff --git "):
            parts = line.split(" b/", 1)
            current = parts[1].strip() if len(parts) == 2 else line[11:].strip()
        elif line.startswith(("+++ ", "--- ")):
            path = line[4:].split("\t")[0].strip()
            path = path[2:] if path[:2] in ("a/", "b/") else path
            if line.startswith("--- "):
                removed_from = path
            else:  # the new name, or the old one for a deleted file
                current = (removed_from or "") if path == "/dev/null" else path
    return {path: lines for path, lines in files.items() if lines}


class PatchSimilarity(rmg.Reward):
    """Similarity of the response's unified diff to the reference diff (changed lines per file)."""

    name: ClassVar[str] = "code.patch_similarity"
    description: ClassVar[str] = (
        "Similarity (0-1) of the unified diff in the response to the reference diff: per file, "
        "2*LCS/(|gen|+|ref|) over changed lines, averaged with weight max(|gen|,|ref|) over all files."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "Fix the off-by-one error in util.py.",
        "response": "```diff\n--- a/util.py\n+++ b/util.py\n@@ -1,2 +1,2 @@\n def last(xs):\n-    return xs[len(xs)]\n+    return xs[len(xs) - 1]\n```",
        "reference": "--- a/util.py\n+++ b/util.py\n@@ -1,2 +1,2 @@\n def last(xs):\n-    return xs[len(xs)]\n+    return xs[-1]\n",
    }

    ignore_whitespace: bool = Field(False, description="compare changed lines with all whitespace removed")

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        reference = sample.reference
        if not isinstance(reference, str) or not reference.strip():
            raise rmg.InvalidInput("code.patch_similarity needs the reference diff as a string")
        ref_files = self._lines(reference)
        if not ref_files:
            raise rmg.InvalidInput("the reference is not a unified diff (no hunk with changed lines found)")
        gen_files = self._lines(extract_diff(candidate.content))
        if not gen_files:
            return rmg.RewardResult(score=0.0, reason="no unified diff with changed lines found in the response")
        per_file = {}
        total_weight = 0.0
        weighted = 0.0
        for path in sorted(set(ref_files) | set(gen_files)):
            gen, ref = gen_files.get(path, []), ref_files.get(path, [])
            similarity = Indel.normalized_similarity(gen, ref) if gen and ref else 0.0
            weight = max(len(gen), len(ref))
            per_file[path] = {"similarity": round(similarity, 6), "generated": len(gen), "reference": len(ref)}
            total_weight += weight
            weighted += weight * similarity
        score = weighted / total_weight if total_weight else 0.0
        missing = sorted(set(ref_files) - set(gen_files))
        extra = sorted(set(gen_files) - set(ref_files))
        reason = f"patch similarity {score:.3f} over {len(per_file)} file(s)"
        if missing:
            reason += f"; files not changed by the response: {', '.join(missing)}"
        if extra:
            reason += f"; files changed only by the response: {', '.join(extra)}"
        return rmg.RewardResult(score=score, reason=reason, details={"files": per_file})

    def _lines(self, diff: str) -> dict[str, list[str]]:
        files = changed_lines(diff)
        if self.ignore_whitespace:
            files = {p: [line[0] + "".join(line[1:].split()) for line in lines] for p, lines in files.items()}
        return files
