"""report.html opened in headless Chromium (Debian's `chromium`, `make browser`), driven over the
DevTools protocol: the per-category and position-bias charts render with real size, offline."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import rmg
from rmg.evaluation import run_benchmark
from rmg.testing import ScriptedLLMServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DATA = (
    Path("/work/shared/data")
    if Path("/work/shared/data").is_dir()
    else Path(__file__).resolve().parents[3] / "shared" / "data"
)
LLMBAR = DATA / "preference" / "llmbar"

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (run `make browser`)"),
    pytest.mark.skipif(not LLMBAR.is_dir(), reason="the shared offline data folder is not here"),
]

CHARTS_JS = """
JSON.stringify([...document.querySelectorAll('svg')].map(s => {
  const box = s.getBoundingClientRect();
  return {id: s.id, width: box.width, height: box.height,
          bars: [...s.querySelectorAll('rect.bar')].map(r => r.getBoundingClientRect().width),
          whiskers: s.querySelectorAll('g.ci').length};
}))
"""


class DevTools:
    """Headless Chromium with a DevTools endpoint on 127.0.0.1, one page open on `url`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.profile = tempfile.mkdtemp(prefix="rmg-chromium-")
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "--window-size=1000,1400",
                url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.time() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        pages: list[dict[str, Any]] = []
        while not pages and time.time() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as resp:
                pages = [p for p in json.load(resp) if p.get("type") == "page" and p.get("url") == url]
            time.sleep(0.1)
        self.ws_url = pages[0]["webSocketDebuggerUrl"]

    async def call(self, ws: Any, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._id = getattr(self, "_id", 0) + 1
        await ws.send_json({"id": self._id, "method": method, "params": params or {}})
        while True:
            message = await ws.receive_json(timeout=30)
            if message.get("id") == self._id:
                assert "error" not in message, message
                return message["result"]

    async def inspect(self, screenshot: Path) -> list[dict[str, Any]]:
        import aiohttp

        async with aiohttp.ClientSession() as session, session.ws_connect(self.ws_url, max_msg_size=0) as ws:
            for _ in range(100):
                # the first document may be the blank one the page starts with: wait for ours, loaded
                probe = f"document.readyState === 'complete' && location.href === {json.dumps(self.url)}"
                state = await self.call(ws, "Runtime.evaluate", {"expression": probe, "returnByValue": True})
                if state["result"]["value"] is True:
                    break
                await asyncio.sleep(0.1)
            charts = await self.call(ws, "Runtime.evaluate", {"expression": CHARTS_JS, "returnByValue": True})
            shot = await self.call(ws, "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            return json.loads(charts["result"]["value"])

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def test_report_html_renders_category_and_position_bias_charts_in_headless_chromium(tmp_path: Path) -> None:
    with ScriptedLLMServer('{"critique": "A is better.", "choice": "A"}') as server:
        judge = rmg.JudgeReward(
            principles=["Follow the instruction"],
            mode="pairwise",
            swap=False,
            model="scripted-judge",
            base_url=server.base_url,
            cache=False,
            max_retries=0,
        )
        out = tmp_path / "report"
        run_benchmark("llmbar", str(LLMBAR / "*.json"), spec=judge, out=out, rounds=100)
    html = (out / "report.html").read_text()
    # self-contained: no scripts, stylesheets or images fetched from anywhere
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not [u for u in re.findall(r"https?://[^\"' <]+", html) if u != "http://www.w3.org/2000/svg"]
    browser = DevTools((out / "report.html").resolve().as_uri())
    try:
        screenshot = Path(os.environ.get("RMG_SCREENSHOT_DIR", tmp_path)) / "bench_report.png"
        charts = asyncio.run(browser.inspect(screenshot))
    finally:
        browser.close()
    by_id = {c["id"]: c for c in charts}
    assert set(by_id) >= {"categories-chart", "position-chart"}, charts
    cats, pos = by_id["categories-chart"], by_id["position-chart"]
    assert cats["width"] > 300 and cats["height"] > 50
    assert len(cats["bars"]) >= 2 and all(w > 0 for w in cats["bars"])  # each category and overall drawn
    assert cats["whiskers"] >= 2  # bootstrap intervals drawn
    assert pos["width"] > 300 and pos["height"] > 50 and max(pos["bars"]) > 300  # 100% bias: a full-width bar
    assert screenshot.stat().st_size > 10_000  # a real rendered page, not a blank PNG
