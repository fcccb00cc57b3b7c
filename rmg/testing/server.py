"""Start the scripted OpenAI-compatible server from the shell, to try judges and model rewards offline.

    python -m rmg.testing.server --judge                  # a valid verdict for every judge question
    python -m rmg.testing.server --reply "Paris."         # the same reply to every request

It prints its base URL (`http://127.0.0.1:PORT/v1`) as the first line of stdout, and the
`export` line that points rmg at it on stderr, then serves until Ctrl-C or SIGTERM. With `--judge`
it answers in the format rmg's judges ask for (`rmg.judges.templates.answer_format`): it reads the
requested form from the prompt, then gives a pointwise `{"critique", "score"}` (`--score`, clipped
to the scale asked for), a pairwise `{"critique", "choice"}` or a listwise `{"critique", "ranking"}`,
preferring the longer response by default (`--prefer`), so a swapped pair gets a consistent verdict.
The verdicts are scripted, not judgements: this is for wiring and plumbing, never for accuracy.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
from typing import Any

from .llm_server import ScriptedLLMServer

__all__ = ["judge_responder", "main"]

_BLOCK = re.compile(r"\[Response (\w+)\]\n(.*?)\n\[End of response \1\]", re.DOTALL)
_SCALE = re.compile(r'"score": <a number from ([-+\d.]+) to ([-+\d.]+)>')
_PRINCIPLES = re.compile(r"<(\d+) numbers, one per principle")


def _prompt(request: dict[str, Any]) -> str:
    messages = request.get("messages") or []
    parts = [str(m["content"]) for m in messages if isinstance(m, dict) and isinstance(m.get("content"), str)]
    return parts[-1] if parts else ""


def judge_responder(score: float = 7.0, prefer: str = "longer") -> Any:
    """A responder that answers judge questions in the requested JSON form (see the module doc)."""

    def reply(request: dict[str, Any]) -> str:
        text = _prompt(request)
        shown = [body for _, body in _BLOCK.findall(text)]
        order = sorted(range(len(shown)), key=lambda i: (-len(shown[i]), i))  # longer first
        if prefer == "shorter":
            order = sorted(range(len(shown)), key=lambda i: (len(shown[i]), i))
        if '"choice"' in text:
            if prefer in ("A", "B", "tie"):
                choice = prefer
            else:
                choice = "tie" if len(shown) < 2 or len(shown[0]) == len(shown[1]) else "AB"[order[0]]
            return json.dumps({"critique": f"scripted verdict (prefer {prefer})", "choice": choice})
        if '"ranking"' in text:
            return json.dumps({"critique": f"scripted ranking (prefer {prefer})", "ranking": [i + 1 for i in order]})
        scale = _SCALE.search(text)
        low, high = (float(scale.group(1)), float(scale.group(2))) if scale else (1.0, 10.0)
        value = min(max(score, low), high)
        answer: dict[str, Any] = {"critique": "scripted score"}
        principles = _PRINCIPLES.search(text)
        if principles:
            answer["principle_scores"] = [value] * int(principles.group(1))
        answer["score"] = value
        return json.dumps(answer)

    return reply


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m rmg.testing.server",
        description="Serve scripted chat completions on 127.0.0.1 (OpenAI-compatible); prints the base URL.",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--reply", action="append", help="a reply to give (repeat to cycle through several)")
    what.add_argument("--judge", action="store_true", help="answer judge questions in the form they ask for")
    parser.add_argument("--score", type=float, default=7.0, help="--judge: the pointwise score (default 7)")
    parser.add_argument(
        "--prefer",
        choices=["longer", "shorter", "A", "B", "tie"],
        default="longer",
        help="--judge: which response wins a pair or heads a ranking (default: the longer)",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--model", default="scripted", help="the model name it reports (default: scripted)")
    args = parser.parse_args(argv)
    if args.judge:
        responder: Any = judge_responder(args.score, args.prefer)
    else:
        responder = args.reply if args.reply and len(args.reply) > 1 else (args.reply or [None])[0]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with ScriptedLLMServer(responder, model=args.model, port=args.port) as server:
        print(server.base_url, flush=True)
        print(f"export RMG_BASE_URL={server.base_url} RMG_MODEL={args.model}   # Ctrl-C stops", file=sys.stderr)
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
