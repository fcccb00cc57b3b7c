"""The README's fenced code blocks, and how each kind is run by tests/test_readme.py.

- A block whose first line is a comment naming a file (`# pyproject.toml`, `# reward.yaml — ...`)
  is that file: it is written into the work folder for the blocks after it.
- `bash` blocks are commands: each line runs in bash in the work folder (comments dropped,
  `export` lines set the environment of the lines after them).
- `python` blocks run as scripts; `json` blocks are rows that `rmg score` must read; `yaml`
  blocks that are not files are specs that must parse.
- `text` blocks are output samples: every label they show must appear in the output of the
  command block before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```(\w*)\s*$")
FILE_COMMENT = re.compile(r"^(?:#|//)\s*([\w./-]+\.(?:py|toml|yaml|yml|json|jsonl|md|txt|cfg))\b")


@dataclass
class Block:
    lang: str
    text: str
    line: int  # where the block starts in the README (1-based, the fence line)

    @property
    def file(self) -> str | None:
        """The path the block is a file at, when its first line says so."""
        first = self.text.splitlines()[0] if self.text.strip() else ""
        match = FILE_COMMENT.match(first.strip())
        return match.group(1) if match else None

    @property
    def where(self) -> str:
        return f"README.md:{self.line} ({self.lang or 'text'} block)"


def read_blocks(path: Path) -> list[Block]:
    return parse_blocks(path.read_text(encoding="utf-8"))


def parse_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    lang: str | None = None
    start, body = 0, []
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if lang is None and match:
            lang, start, body = match.group(1), number, []
        elif lang is not None and line.strip() == "```":
            blocks.append(Block(lang, "\n".join(body) + "\n", start))
            lang = None
        elif lang is not None:
            body.append(line)
    assert lang is None, f"README.md:{start}: a code block is never closed"
    return blocks


def commands(block: Block) -> list[str]:
    """The command lines of a bash block (continuations joined, comments and blanks dropped)."""
    joined = block.text.replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        command = re.sub(r"\s+#.*$", "", line).strip()  # a trailing comment (never inside quotes here)
        if command and not command.startswith("#"):
            out.append(command)
    return out


def output_labels(block: Block) -> list[str]:
    """The labels of an output sample: the text before the first run of two or more spaces."""
    labels = []
    for line in block.text.splitlines():
        label = re.split(r"\s{2,}", line.strip())[0]
        if label:
            labels.append(label)
    return labels
