"""A refine run killed mid-way resumes from its SQLite checkpoint without redoing finished rounds:
the scripted server counts every model call, before the kill and after the resume."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langgraph.checkpoint.sqlite", reason="needs the agents extra (langgraph-checkpoint-sqlite)")

from rmg.testing import Reply, ScriptedLLMServer

SCRIPT = textwrap.dedent(
    """
    import sqlite3, sys
    from langgraph.checkpoint.sqlite import SqliteSaver
    from rmg.agents import create_refine_graph
    from rmg.llm import create_chat_model

    base_url, db = sys.argv[1], sys.argv[2]
    model = create_chat_model("scripted", base_url=base_url, timeout=300)
    saver = SqliteSaver(sqlite3.connect(db, check_same_thread=False))
    graph = create_refine_graph(model=model, reward="math.accuracy", threshold=1.0, max_rounds=4, checkpointer=saver)
    graph.invoke({"prompt": "What is 17 * 23?", "draft": "It is 390.", "reference": "391"},
                 {"configurable": {"thread_id": "row-7"}})
    print("finished without being killed")
    """
)


def test_a_killed_refine_run_resumes_from_sqlite_without_redoing_finished_rounds(tmp_path: Path) -> None:
    phase = {"resumed": False}

    def respond(request: dict[str, Any]) -> Any:
        revisions = sum(1 for m in request["messages"] if m["role"] == "assistant")
        if phase["resumed"]:
            return "The answer is 391."
        if revisions == 1:
            return "The answer is 392."  # revision 1: still wrong, scored and checkpointed
        return Reply("never sent", delay=300)  # revision 2 hangs: the process is killed here

    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    db = tmp_path / "checkpoints.sqlite"
    with ScriptedLLMServer(respond) as server:
        proc = subprocess.Popen(
            [sys.executable, str(script), server.base_url, str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while server.counts.get("requests", 0) < 2 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.counts.get("requests", 0) == 2, proc.stderr.read() if proc.poll() is not None else "timed out"
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        before = server.counts["requests"]

        phase["resumed"] = True
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        from rmg.agents import create_refine_graph
        from rmg.llm import create_chat_model

        async def resume() -> dict[str, Any]:
            async with AsyncSqliteSaver.from_conn_string(str(db)) as saver:
                model = create_chat_model("scripted", base_url=server.base_url)
                graph = create_refine_graph(
                    model=model, reward="math.accuracy", threshold=1.0, max_rounds=4, checkpointer=saver
                )
                config = {"configurable": {"thread_id": "row-7"}}
                state = await graph.aget_state(config)
                assert state.next == ("revise",)  # the checkpoint stops right before the killed step
                assert [h["round"] for h in state.values["history"]] == [0, 1]
                return await graph.ainvoke(None, config)

        final = asyncio.run(resume())
        after = server.counts["requests"] - before
    assert before == 2
    assert after == 1  # only the revision the kill interrupted; rounds 0 and 1 were not redone
    assert [h["round"] for h in final["history"]] == [0, 1, 2]
    assert [h["score"] for h in final["history"]] == [0.0, 0.0, 1.0]
    assert final["status"] == "passed" and final["answer"] == "The answer is 391."
