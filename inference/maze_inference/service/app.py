"""The FastAPI app: `/health`, `/v1/complete`, `/v1/generate`, `/metrics`, `/docs`.

`/v1/complete` goes through `maze_inference.pipeline.complete_at` exactly as the language server
does: the document is rebuilt from `prefix + suffix`, parsed by tree-sitter, and the completion is
constrained, post-processed and parse-checked the same way, so a completion over HTTP carries the
same guarantee as one in the editor. `/v1/generate` constrains free generation by a caller's grammar
(checked on arrival) or by the language's grammar, and reports independent parser checks.

Middleware, outermost first: metrics (counts every response), CORS (closed unless origins are
configured), guard (bearer auth, body size). Errors of the maze tree become statuses in
`service/errors.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.middleware.cors import CORSMiddleware

from maze_inference.constraint.grammars import available_grammars
from maze_inference.decoding import FinishReason
from maze_inference.document import Document
from maze_inference.engines.base import (
    CompletionResult,
    Engine,
    GenerateRequest,
    GenerateResult,
)
from maze_inference.engines.lifecycle import EngineLifecycle, EngineState
from maze_inference.engines.model_info import model_info
from maze_inference.errors import EngineTimeout
from maze_inference.languages import SUPPORTED_NAMES, Language, get_language
from maze_inference.pipeline import Completion, CompletionSettings, complete_at
from maze_inference.service.code_validation import validate_output
from maze_inference.service.errors import CatchAllMiddleware, InvalidRequest, install_handlers
from maze_inference.service.guard import GuardMiddleware
from maze_inference.service.metrics import Metrics, MetricsMiddleware
from maze_inference.service.offload import MainLoopEngine, PipelineThread, window
from maze_inference.service.request_grammars import GrammarChecker, RequestGrammar, language_grammar
from maze_inference.service.schemas import (
    CompleteBody,
    CompleteResponse,
    ErrorBody,
    GenerateBody,
    GenerateResponse,
    Health,
    TimingsOut,
)
from maze_inference.service.settings import ServiceSettings
from maze_inference.service.streaming import (
    complete_events,
    generate_events,
    log_complete,
    log_generate,
    streaming,
)

log = logging.getLogger(__name__)

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 413, 422, 503, 504)
}


def _version() -> str:
    try:
        return metadata.version("maze-lsp")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def public_model_name(name: str) -> str:
    """The model's last path component: `/health` is unauthenticated and must not reveal host paths."""
    return os.path.basename(name.rstrip("/\\")) or name


class Service:
    """What the route handlers share: engine state, settings, grammar checker, metrics."""

    def __init__(self, engine: Engine, settings: ServiceSettings, checker: GrammarChecker) -> None:
        self.state = EngineLifecycle(engine)
        self.settings = settings
        self.checker = checker
        self.metrics = Metrics()
        checker.on_compile = self.metrics.grammar_compiles.inc
        self.started = time.monotonic()
        self._pipeline: PipelineThread | None = None

    @property
    def pipeline(self) -> PipelineThread:
        """Started on first use, so an app that never completes (tests, `/docs`) starts no thread."""
        if self._pipeline is None:
            self._pipeline = PipelineThread()
        return self._pipeline

    def close_pipeline(self) -> None:
        if self._pipeline is not None:
            self._pipeline.close()
            self._pipeline = None

    # ---- shared steps ------------------------------------------------------------------------------

    def deadline(self, timeout_ms: int | None) -> float:
        timeout_s = self.settings.default_timeout_s if timeout_ms is None else timeout_ms / 1000
        return time.monotonic() + min(timeout_s, self.settings.max_timeout_s)

    def check_limits(self, max_tokens: int) -> None:
        if max_tokens > self.settings.max_tokens:
            raise InvalidRequest(f"max_tokens: {max_tokens} is over this server's limit of {self.settings.max_tokens}")

    async def within(self, deadline: float, work: Awaitable[Any]) -> Any:
        """Await `work`, cancelling it at the deadline (plus a moment for an engine that stops itself)."""
        try:
            async with asyncio.timeout_at(_loop_time(deadline) + 0.25):
                return await work
        except TimeoutError:
            raise EngineTimeout("the request's deadline passed before the engine answered") from None

    # ---- /v1/complete ------------------------------------------------------------------------------

    async def prepare_completion(self, body: CompleteBody) -> tuple[Engine, Language, float]:
        """Everything that can fail with a 4xx/503 before the engine runs (so a stream starts only after)."""
        deadline = self.deadline(body.timeout_ms)
        language = get_language(body.language)
        self.check_limits(body.max_tokens)
        return await self.state.ready(deadline, self.settings.load_wait_s), language, deadline

    async def complete(self, engine: Engine, language: Language, body: CompleteBody,
                       deadline: float) -> CompleteResponse:
        """`complete_at` on the pipeline thread, within a window of the document (`offload.py` says why)."""
        prefix, suffix = window(body.prefix, body.suffix)
        settings = CompletionSettings(max_tokens=body.max_tokens, mode=body.mode, constrained=body.constrained,
                                      temperature=body.temperature, timeout_s=max(0.0, deadline - time.monotonic()),
                                      stop=tuple(body.stop), seed=body.seed)
        started = time.perf_counter()
        on_main = MainLoopEngine(engine, asyncio.get_running_loop())
        repository = body.repository.context() if body.repository else None

        async def work() -> Completion:
            text, source, tree, _version = Document(language, prefix + suffix).snapshot()
            return await complete_at(on_main, language, text, source, tree, len(prefix), settings,  # type: ignore[arg-type]
                                     repository=repository)

        completion: Completion = await self.within(deadline, self.pipeline.run(work()))
        result = completion.result
        if completion.text is None and result is not None and result.finish_reason is FinishReason.DEADLINE:
            raise EngineTimeout("the deadline passed before a valid completion was found")
        if completion.dropped:
            self.metrics.dropped.labels(completion.dropped.value).inc()
        if result is not None:
            self.metrics.observe_generation("/v1/complete", result.completion_tokens, result.timings.decode_ms,
                                            result.timings.setup_ms + result.timings.constraint_ms)
        total_ms = (time.perf_counter() - started) * 1e3
        return CompleteResponse(
            text=completion.text,
            dropped=completion.dropped.value if completion.dropped else None,
            finish_reason=result.finish_reason.value if result else None,
            level=result.level.value if result else None,
            mode=completion.context.mode.value,
            language=language.id,
            prompt_tokens=result.prompt_tokens if result else 0,
            completion_tokens=result.completion_tokens if result else 0,
            timings=_timings(result, context_ms=completion.context_ms, validate_ms=completion.validate_ms,
                             total_ms=total_ms),
            engine=engine.name,
            model=public_model_name(engine.model_name),
        )

    # ---- /v1/generate ------------------------------------------------------------------------------

    async def prepare_generation(self, body: GenerateBody) -> tuple[Engine, GenerateRequest, Language | None,
                                                                     RequestGrammar, float]:
        """Everything that can fail with a 4xx/503 before any token is generated (or streamed)."""
        deadline = self.deadline(body.timeout_ms)
        language = get_language(body.language) if body.language else None
        self.check_limits(body.max_tokens)
        grammar = await self.request_grammar(body, language)
        engine = await self.state.ready(deadline, self.settings.load_wait_s)
        request = GenerateRequest(prompt=body.prompt, grammar=grammar.grammar, max_tokens=body.max_tokens,
                                  temperature=body.temperature, stop=tuple(body.stop), deadline=deadline,
                                  seed=body.seed)
        return engine, request, language, grammar, deadline

    async def request_grammar(self, body: GenerateBody, language: Language | None) -> RequestGrammar:
        if not body.constrained:
            return RequestGrammar("none", None)
        if body.grammar is not None:
            return await self.checker.check("lark", body.grammar)
        if body.json_schema is not None:
            return await self.checker.check("json_schema", body.json_schema)
        if body.llguidance is not None:
            return await self.checker.check("llguidance", body.llguidance)
        assert language is not None  # the schema requires a language or a grammar when constrained
        return language_grammar(language)

    async def generate_response(self, engine: Engine, result: GenerateResult, language: Language | None,
                                grammar: RequestGrammar, started: float) -> GenerateResponse:
        if not result.text and result.finish_reason is FinishReason.DEADLINE:
            raise EngineTimeout("the deadline passed before the grammar was satisfied")
        checked = time.perf_counter()
        validation = await asyncio.to_thread(validate_output, result.text, language, grammar)  # parses: off the loop
        validate_ms = (time.perf_counter() - checked) * 1e3
        t = result.timings
        self.metrics.observe_generation("/v1/generate", result.completion_tokens, t.decode_ms,
                                        t.setup_ms + t.constraint_ms)
        return GenerateResponse(
            text=result.text,
            finish_reason=result.finish_reason.value,
            grammar=grammar.kind,  # type: ignore[arg-type]
            language=language.id if language else None,
            validation=validation,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            timings=_timings(result, validate_ms=validate_ms, total_ms=(time.perf_counter() - started) * 1e3),
            engine=engine.name,
            model=public_model_name(engine.model_name),
        )

    # ---- /health -----------------------------------------------------------------------------------

    def health(self) -> Health:
        engine = self.state.engine
        self.state.start_loading()  # a probe after a failed load retries it (rate-limited)
        self.metrics.engine_ready.set(1 if engine.ready else 0)
        return Health(
            status=_HEALTH_STATUS[self.state.state],
            warm=engine.ready,
            engine=engine.name,
            model=public_model_name(engine.model_name),
            model_info=model_info(engine),
            languages=list(SUPPORTED_NAMES),
            grammars=list(available_grammars()),
            uptime_s=round(time.monotonic() - self.started, 3),
            version=_version(),
            message=self._public_error(),
        )

    def _public_error(self) -> str | None:
        """The load error for `/health`, which anyone can read: in full only when the server has no key."""
        if self.state.error is None or self.settings.api_key is None:
            return self.state.error
        return "the engine failed to load; the server log has the details"


_HEALTH_STATUS: dict[EngineState, Literal["ok", "loading", "unavailable"]] = {
    EngineState.READY: "ok", EngineState.LOADING: "loading", EngineState.IDLE: "loading",
    EngineState.RESTING: "unavailable",
}


def _loop_time(deadline: float) -> float:
    """A `time.monotonic()` deadline on the running loop's clock."""
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())


def _timings(result: CompletionResult | GenerateResult | None, **extra: float) -> TimingsOut:
    values: dict[str, Any] = dataclasses.asdict(result.timings) if result is not None else {}
    values.update(extra)
    return TimingsOut(**values)


# ---- the app ------------------------------------------------------------------------------------


def create_app(engine: Engine, settings: ServiceSettings | None = None, *,
               checker: GrammarChecker | None = None) -> FastAPI:
    """The service around `engine`; tests inject engines and settings here."""
    settings = settings or ServiceSettings.from_env()
    checker = checker or GrammarChecker(max_bytes=settings.grammar_max_bytes, timeout_s=settings.grammar_timeout_s,
                                        workers=settings.grammar_workers)
    service = Service(engine, settings, checker)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        service.state.start_loading()
        warm = asyncio.get_running_loop().run_in_executor(None, checker.warm_up)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await warm
            await service.state.close()
            checker.close()
            service.close_pipeline()

    app = FastAPI(title="maze inference service", version=_version(), lifespan=lifespan,
                  description="Code completions that are guaranteed to parse: tree-sitter context + "
                              "llguidance grammar constraints.")
    app.state.service = service
    install_handlers(app)

    @app.get("/health", response_model=Health, tags=["service"])
    async def health() -> Health:
        """Engine, model, languages and grammars, uptime, warm or cold. No auth."""
        return service.health()

    @app.post("/v1/complete", response_model=CompleteResponse, responses=_ERRORS, tags=["completion"])
    async def complete(body: CompleteBody) -> Any:
        """Complete at the cursor (`len(prefix)`) of the document `prefix + suffix`.

        With `"stream": true` the answer is Server-Sent Events: `delta` events carry text, `done`
        carries this response's JSON, `error` an error body.
        """
        rid = uuid.uuid4().hex[:8]
        started = time.perf_counter()
        engine, language, deadline = await service.prepare_completion(body)
        if body.stream:
            return streaming(complete_events(service, engine, language, body, deadline, rid, started))
        response = await service.complete(engine, language, body, deadline)
        log_complete(rid, response, started)
        if settings.log_user_code:  # opt-in (MAZE_LOG_USER_CODE=1): user code stays out of logs otherwise
            log.debug("complete %s prefix_tail=%r text=%r", rid, body.prefix[-200:], response.text)
        return response

    @app.post("/v1/generate", response_model=GenerateResponse, responses=_ERRORS, tags=["generation"])
    async def generate(body: GenerateBody) -> Any:
        """Generate code from a prompt under a Lark grammar, a JSON schema, or the language's grammar.

        The response reports independent checks of the text (`validation`). With `"stream": true`
        the answer is Server-Sent Events (`delta`, then `done` with this response's JSON).
        """
        rid = uuid.uuid4().hex[:8]
        started = time.perf_counter()
        engine, request, language, grammar, deadline = await service.prepare_generation(body)
        if body.stream:
            return streaming(generate_events(service, engine, request, language, grammar, deadline, rid, started))
        result = await service.within(deadline, engine.generate(request))
        response = await service.generate_response(engine, result, language, grammar, started)
        log_generate(rid, response, started)
        if settings.log_user_code:
            log.debug("generate %s prompt_tail=%r text=%r", rid, body.prompt[-200:], response.text)
        return response

    @app.get("/metrics", tags=["service"], response_class=Response)
    async def metrics() -> Response:
        """Prometheus text format."""
        service.metrics.engine_ready.set(1 if engine.ready else 0)
        return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    routes = frozenset(getattr(r, "path", "") for r in app.routes)
    app.add_middleware(CatchAllMiddleware)  # innermost: an unexpected error is a 500 on a connection that stays open
    app.add_middleware(GuardMiddleware, api_key=settings.api_key, max_body_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(MetricsMiddleware, metrics=service.metrics, routes=routes)
    return app
