"""The playground page at `/` in headless Chromium (Debian's `chromium`, `make browser`), driven over
the DevTools protocol: it lists the served rewards, scores a prompt's responses through the real
server and shows each score, status and reason (an LLM judge's critique, from a scripted
OpenAI-compatible server); a failed response shows its status and error."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serverkit import Server, StartServer
from websockets.sync.client import connect

from rmg.testing import ScriptedLLMServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (make browser)")


class Page:
    """One headless Chromium tab on `url`, evaluated over its DevTools websocket."""

    def __init__(self, url: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="rmg-playground-")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={self.profile}",
             "--remote-debugging-port=0", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        active = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (active.exists() and active.read_text().strip()):
            assert time.monotonic() < deadline and self.proc.poll() is None, "chromium opened no DevTools port"
            time.sleep(0.1)
        port = int(active.read_text().split()[0])
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as response:
                pages = [p for p in json.load(response) if p["type"] == "page"]
            if pages:
                break
            assert time.monotonic() < deadline, "chromium opened no page"
            time.sleep(0.1)
        self.stack = contextlib.ExitStack()
        self.ws = self.stack.enter_context(connect(pages[0]["webSocketDebuggerUrl"], max_size=None))
        self.ids = itertools.count(1)

    def js(self, expression: str) -> Any:
        call_id = next(self.ids)
        params = {"expression": expression, "awaitPromise": True, "returnByValue": True}
        self.ws.send(json.dumps({"id": call_id, "method": "Runtime.evaluate", "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == call_id:
                result = message["result"]
                assert "exceptionDetails" not in result, result["exceptionDetails"]
                return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            assert time.monotonic() < deadline, f"never true in the page: {expression}"
            time.sleep(0.1)

    def close(self) -> None:
        self.stack.close()
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def judge_llm() -> Iterator[ScriptedLLMServer]:
    """The judge's model: a scripted OpenAI-compatible server whose critique names the response."""

    def answer(request: dict[str, Any]) -> str:
        prompt = next(m["content"] for m in request["messages"] if m["role"] == "user")
        shown = re.search(r"\[Response\]\n(.*?)\n\[End of response\]", prompt, re.DOTALL).group(1)
        return json.dumps({"critique": f"The response {shown!r} states the product correctly.", "score": 10})

    with ScriptedLLMServer(answer) as llm:
        yield llm


@pytest.fixture(scope="module")
def server(start_server: StartServer, judge_llm: ScriptedLLMServer) -> Server:
    critic = {"reward": "judge", "params": {"model": "scripted-judge", "base_url": judge_llm.base_url,
              "principles": ["Correctness: the arithmetic is right"], "cache": False, "max_retries": 0}}  # fmt: skip
    return start_server(
        "--reward", "em=general.exact_match", "--reward", "sleepy=testkit.sleepy",
        "--reward", f"critic={json.dumps(critic)}", "--workers", "2", "--timeout", "3",
        env={"OPENAI_API_KEY": "scripted"},
    )  # fmt: skip


@pytest.fixture
def page(server: Server) -> Iterator[Page]:
    opened = Page(f"{server.url}/")
    yield opened
    opened.close()


ROWS = "JSON.stringify([...document.querySelectorAll('#results tbody tr')].map(tr => [...tr.cells].map(td => td.textContent)))"


def fill_and_score(page: Page, reward: str, responses: str, reference: str) -> list[list[str]]:
    page.wait_for(f"document.querySelector('#reward option[value=\"{reward}\"]') !== null")
    page.js(
        f"document.getElementById('reward').value = {json.dumps(reward)};"
        f"document.getElementById('prompt').value = 'What is 6 * 7?';"
        f"document.getElementById('responses').value = {json.dumps(responses)};"
        f"document.getElementById('reference').value = {json.dumps(reference)};"
        "document.getElementById('results').hidden = true;"
        "document.getElementById('score').click(); true"
    )
    page.wait_for("!document.getElementById('results').hidden")
    return json.loads(page.js(ROWS))


def test_playground_lists_rewards_and_scores_responses(page: Page) -> None:
    options = page.wait_for("[...document.querySelectorAll('#reward option')].map(o => o.value).join(',')")
    assert options == "em,sleepy,critic"
    rows = fill_and_score(page, "em", "42\n---\n41", "42")
    assert [row[:3] for row in rows] == [["1", "1.0000", "ok"], ["2", "0.0000", "ok"]]
    assert "matches the reference" in rows[0][3]


def test_playground_shows_a_failed_status_and_its_error(page: Page) -> None:
    # One prompt's responses are scored together: a hang fails the group, each with its status.
    rows = fill_and_score(page, "sleepy", "sleep\n---\nfine", "")
    assert [row[1:3] for row in rows] == [["-", "timeout"], ["-", "timeout"]]  # a failure is unscored
    assert "exceeded its 3s budget" in rows[0][3]
    rows = fill_and_score(page, "sleepy", "fine", "")
    assert [row[1:3] for row in rows] == [["1.0000", "ok"]]


def test_playground_shows_the_judge_critique(page: Page) -> None:
    rows = fill_and_score(page, "critic", "The answer is 42.", "")
    assert [row[1:3] for row in rows] == [["1.0000", "ok"]]
    assert "The response 'The answer is 42.' states the product correctly." in rows[0][3]
