"""The server object and its protocol: state, messages to the user, settings, progress.

Handlers receive this object; the dispatch table that registers them is `maze_lsp.server`, so
this module imports no feature and features can name its type without a cycle.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from maze_lsp.engine_manager import EngineManager, EngineStatus
from maze_lsp.framing import stdin_reader, stream_reader
from maze_lsp.lifecycle import PROCEED, Lifecycle, Refusal, serve
from maze_lsp.options import DEFAULT_TOKEN_ENVS, SECTION, parse_options
from maze_lsp.progress import WorkDone
from maze_lsp.state import ServerState

log = logging.getLogger(__name__)

STATUS_NOTIFICATION = "maze/status"
_ANSWERED = object()  # a request already answered with an error while it was being read
_MESSAGE_TYPES = {"error": types.MessageType.Error, "warning": types.MessageType.Warning, "info": types.MessageType.Info}


class MazeProtocol(LanguageServerProtocol):
    """pygls' protocol without its own copy of each document: `maze_inference.document` is the one copy.

    Positions are always UTF-16, the encoding every client must support: pygls would otherwise pick
    the client's first preference (utf-8 for Neovim and Helix) that `Document` does not count in.
    Every message passes the LSP lifecycle's rules first (`lifecycle.py`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lifecycle = Lifecycle()

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):  # type: ignore[override]
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            general.position_encodings = [types.PositionEncodingKind.Utf16]
        return (yield from super().lsp_initialize(params))

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Answer a request whose params do not fit its method with InvalidParams, instead of dropping it.

        pygls structures messages inside `json.loads(object_hook=...)`; a failure there is only logged,
        and a client waiting for that request id would wait forever.
        """
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "method" in data and isinstance(data.get("id"), int | str):
                cause = exc.__cause__
                if isinstance(cause, cattrs.BaseValidationError):
                    detail = "; ".join(cattrs.transform_error(cause, path="message"))
                else:
                    detail = str(cause or exc)
                message = f"invalid params for {data['method']}: {detail}"[:500]
                self._send_response(data["id"], error=JsonRpcInvalidParams(message).to_response_error())
                return _ANSWERED
            raise

    def handle_message(self, message: Any) -> None:
        if message is _ANSWERED:
            return
        method = getattr(message, "method", None)
        msg_id = getattr(message, "id", None)
        verdict = self.lifecycle.admit(method, is_request=method is not None and msg_id is not None)
        if verdict is PROCEED:
            super().handle_message(message)
        elif isinstance(verdict, Refusal):
            self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": verdict.code, "message": verdict.message}})

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):  # type: ignore[override]
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):  # type: ignore[override]
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):  # type: ignore[override]
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class MazeLanguageServer(LanguageServer):
    def __init__(self, allowed_token_envs: frozenset[str] = DEFAULT_TOKEN_ENVS) -> None:
        from maze_lsp import __version__

        super().__init__("maze", __version__, protocol_cls=MazeProtocol)
        self.allowed_token_envs = allowed_token_envs  # from the command line and environment, never from settings
        self.state = ServerState(engines=EngineManager(self.notify_user, self.begin_progress))
        self.state.engines.on_status = self._send_status

    # ---- transports: maze's frame reader and lifecycle instead of pygls' loop --------------------

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:  # type: ignore[override]
        """Serve on stdio until `exit` or the end of input; the process's exit status (`lifecycle.py`)."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        protocol: MazeProtocol = self.protocol  # type: ignore[assignment]

        async def main() -> int:
            return await serve(protocol, protocol.lifecycle, stdin_reader(stdin or sys.stdin.buffer))

        try:
            return asyncio.run(main())
        except BrokenPipeError:
            log.error("the client closed its end of the connection; exiting")
            return 1
        finally:
            self.shutdown()

    def start_tcp(self, host: str, port: int) -> int:  # type: ignore[override]
        """Serve the first client that connects to `host:port`, as `start_io` serves stdio."""
        protocol: MazeProtocol = self.protocol  # type: ignore[assignment]

        async def main() -> int:
            done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

            async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                protocol.set_writer(writer)  # type: ignore[arg-type]
                status = await serve(protocol, protocol.lifecycle, stream_reader(reader))
                if not done.done():
                    done.set_result(status)

            server = await asyncio.start_server(connection, host, port)
            log.info("listening on %s:%d", host, port)
            async with server:
                return await done

        try:
            return asyncio.run(main())
        finally:
            self.shutdown()

    # ---- messages to the user --------------------------------------------------------------------

    def notify_user(self, level: str, message: str) -> None:
        log.log(logging.ERROR if level == "error" else logging.WARNING if level == "warning" else logging.INFO, message)
        self.window_show_message(types.ShowMessageParams(type=_MESSAGE_TYPES[level], message=message))

    def report_settings_problems(self, problems: list[str]) -> None:
        if problems:
            self.notify_user("warning", "maze settings: " + "; ".join(problems) + " (defaults used for these)")

    def _send_status(self, status: EngineStatus) -> None:
        """A small custom notification the VS Code extension shows in its status bar (opt-in)."""
        if not self.state.options.status_notifications:
            return
        self.protocol.notify(STATUS_NOTIFICATION, {"state": status.state.value, "engine": status.engine,
                                                   "model": status.model, "message": status.message})

    async def begin_progress(self, title: str) -> Callable[[], None]:
        work = await WorkDone.begin(self, title)
        return lambda: work.end("ready")

    # ---- settings -----------------------------------------------------------------------------

    def apply_settings(self, raw: Any) -> None:
        """Merge editor settings into the options; every applied change bumps a generation counter."""
        options, problems = parse_options(raw, self.state.options, self.allowed_token_envs)
        self.state.options = options
        self.state.settings_generation += 1
        self.report_settings_problems(problems)

    async def pull_configuration(self) -> None:
        """Ask the client for the "maze" section when it supports `workspace/configuration`.

        A pull answered after a newer push would overwrite newer settings, so its answer is dropped if
        any settings were applied while it was in flight.
        """
        capabilities = self.client_capabilities
        if not (capabilities and capabilities.workspace and capabilities.workspace.configuration):
            return
        generation = self.state.settings_generation
        try:
            result: list[Any] = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception:
            log.warning("workspace/configuration failed; keeping current settings", exc_info=True)
            return
        if result and result[0] and generation == self.state.settings_generation:
            self.apply_settings(result[0])
