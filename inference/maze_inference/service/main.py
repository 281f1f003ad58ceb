"""`python -m maze_inference.service` (and `maze serve`): the FastAPI app on uvicorn.

The service's own entry point, so that nothing else needs to import uvicorn or FastAPI. The API
token comes only from the environment (MAZE_API_KEY), never from the command line.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from maze_inference.logs import configure_logging, logging_options

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback only)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--engine", default="local", choices=("local", "vllm"), help="local: the embedded model")
    parser.add_argument("--model", default=None, help="model folder (local: ONNX export; vllm: Hugging Face model)")
    parser.add_argument("--generate-model", default=None, help="vllm: a second (instruct) model for /v1/generate")
    parser.add_argument("--max-model-len", type=int, default=None, help="vllm: context length (default: the model's own)")
    parser.add_argument("--threads", type=int, default=None, help="local: onnxruntime threads")
    parser.add_argument("--max-body-bytes", type=int, default=None)
    parser.add_argument("--max-tokens", type=int, default=None, help="largest max_tokens a request may ask for")
    parser.add_argument("--timeout", type=float, default=None, help="default per-request deadline, seconds")
    parser.add_argument("--header-timeout", type=float, default=None,
                        help="seconds a request's headers may take to arrive (default 10; then 408 and close)")
    parser.add_argument("--body-timeout", type=float, default=None,
                        help="seconds a request's body may take after its headers (default 30; then 408 and close)")
    parser.add_argument("--max-connections", type=int, default=None,
                        help="open connections and requests in flight before new requests get 503 (default 512)")


def run(args: argparse.Namespace) -> int:
    configure_logging(args.log_level, args.log_file)
    try:
        import uvicorn

        from maze_inference.service.app import create_app
        from maze_inference.service.connections import uvicorn_config
        from maze_inference.service.settings import ServiceSettings
    except ImportError as exc:
        print(f"maze serve: {exc.name} is missing; install the service extra: pip install 'maze-lsp[service]'",
              file=sys.stderr)
        return 1
    from maze_inference.client import is_loopback

    try:
        settings = ServiceSettings.from_env(max_body_bytes=args.max_body_bytes, max_tokens=args.max_tokens,
                                            default_timeout_s=args.timeout,
                                            max_timeout_s=max(120.0, args.timeout) if args.timeout else None,
                                            header_timeout_s=args.header_timeout, body_timeout_s=args.body_timeout,
                                            max_connections=args.max_connections)
    except ValueError as exc:
        print(f"maze serve: {exc}", file=sys.stderr)
        return 1
    if settings.api_key is None and not is_loopback(f"http://{args.host}"):
        log.warning("serving on %s without MAZE_API_KEY: anyone who can reach it can use it", args.host)
    if args.engine == "vllm":
        from maze_inference.engines.vllm import VLLMEngine

        if not args.model:
            print("maze serve: --engine vllm needs --model (a Hugging Face model folder or id)", file=sys.stderr)
            return 1
        engine = VLLMEngine(args.model, generate_model_path=args.generate_model, max_model_len=args.max_model_len)
    else:
        from maze_inference.engines.embedded import EmbeddedEngine

        engine = EmbeddedEngine(args.model, threads=args.threads)
    app = create_app(engine, settings)
    # The pipeline and engine threads are CPU-bound; the event loop gives up the GIL at every socket
    # call and waits up to the switch interval (5 ms) to get it back, several times per request. 1 ms
    # keeps `/health` and new requests quick while completions run (see service/offload.py).
    sys.setswitchinterval(0.001)
    level = logging.getLevelName(logging.getLogger().level).lower()
    uvicorn.Server(uvicorn_config(app, settings, args.host, args.port, level)).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze serve", description=__doc__.splitlines()[0],
                                     parents=[logging_options()])
    add_arguments(parser)
    return run(parser.parse_args(argv))
