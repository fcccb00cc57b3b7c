"""`rmg serve`: the HTTP reward service (needs `pip install 'rmg[server]'`)."""

from __future__ import annotations

import os
import re
from typing import Any

import click

_NAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def parse_reward_option(item: str) -> tuple[str, str]:
    """`NAME=SPEC`, or a bare spec served under its own text (`math.accuracy`)."""
    name, sep, spec = item.partition("=")
    if sep and _NAME.match(name.strip()) and spec.strip():
        return name.strip(), spec.strip()
    return item.strip(), item.strip()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; beyond loopback needs a key.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--reward",
    "rewards",
    multiple=True,
    metavar="NAME=SPEC",
    help="Serve SPEC under NAME (repeatable); a bare SPEC is served under its own text.",
)
@click.option("--allow-any-spec", is_flag=True, help="Let requests name any spec, not only the served names.")
@click.option(
    "--api-key-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="File holding the API key clients must send (also: RMG_API_KEY). Required beyond loopback.",
)
@click.option("--workers", type=int, default=None, help="Processes per served rule reward (default: CPU count).")
@click.option("--timeout", type=float, default=None, help="Budget per reward per row, seconds (default 30 / 300).")
@click.option("--concurrency", type=int, default=64, show_default=True, help="Model calls in flight per reward.")
@click.option("--max-batch", type=int, default=1024, show_default=True, help="Rows per request (beyond: 422).")
@click.option("--max-queue", type=int, default=4096, show_default=True, help="Rows in flight (beyond: 429).")
@click.option("--max-body", type=int, default=16 * 1024 * 1024, show_default=True, help="Request bytes (beyond: 413).")
@click.option("--openrlhf-reward", default=None, help="Served name /get_reward scores with (default: the first).")
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value="auto",
    default=None,
    metavar="[ADDRESS]",
    help="Serve as a Ray Serve deployment (on ADDRESS, or a local Ray when omitted).",
)
@click.option("--replicas", type=int, default=1, show_default=True, help="Ray Serve replicas (with --ray).")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def serve_command(**options: Any) -> None:
    """Serve rewards over HTTP: POST /v1/score, POST /get_reward (OpenRLHF), GET /v1/rewards,
    /health, /ready, /metrics, the OpenAPI docs at /docs and a playground page at /.

    \b
      rmg serve --reward math=math.accuracy
      rmg serve --reward "mix=0.2*format.think_answer + 0.8*math.accuracy" --port 9000
      rmg serve --host 0.0.0.0 --api-key-file key.txt --reward math=math.accuracy
    """
    try:
        from rmg.server.config import ConfigError, ServerConfig, read_api_key
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise click.ClickException(f"rmg serve needs the server extra: pip install 'rmg[server]' ({exc})") from None
    try:
        api_key = read_api_key(options["api_key_file"]) if options["api_key_file"] else None
        if api_key is None and os.environ.get("RMG_API_KEY", "").strip():
            api_key = os.environ["RMG_API_KEY"].strip()
            if len(api_key) < 16:
                raise ConfigError(f"RMG_API_KEY is {len(api_key)} characters; use at least 16")
        config = ServerConfig(
            rewards=dict(parse_reward_option(item) for item in options["rewards"]),
            host=options["host"],
            port=options["port"],
            allow_any_spec=options["allow_any_spec"],
            api_key=api_key,
            workers=options["workers"],
            timeout=options["timeout"],
            concurrency=options["concurrency"],
            max_batch=options["max_batch"],
            max_queue=options["max_queue"],
            max_body_bytes=options["max_body"],
            default_reward=options["openrlhf_reward"],
        )
        config.check()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if options["ray_address"] is not None:
        from rmg.server.ray_serve import run_ray

        run_ray(config, address=options["ray_address"], replicas=options["replicas"])
        return
    from rmg.server.run import run

    try:
        run(config, log_level=options["log_level"])
    except ValueError as exc:  # a served spec that does not parse: named, before binding
        raise click.ClickException(str(exc)) from None
