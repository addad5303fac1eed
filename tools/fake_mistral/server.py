"""`FakeMistral`: a scripted chat-completions endpoint on a real loopback socket.

The server runs an asyncio loop in a daemon thread, so it serves sync tests that spawn the real
`vibe` process and async tests in the same process alike; the script, the recorded requests
and `wait_for_requests` are guarded by one lock shared with the test's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from tools.fake_mistral.answer import Answering, send_step
from tools.fake_mistral.fault import FAULT_TYPES, Fault, StatusFault
from tools.fake_mistral.http11 import BadRequestError, HttpRequest, ResponseWriter, read_request
from tools.fake_mistral.render import error_body, model_card
from tools.fake_mistral.script import RecordedRequest, Reply, Step, load_json_script, reply

EXHAUSTED_TEXT = "(fake-mistral: script exhausted)"
_STEP_VALUES = (Reply, *FAULT_TYPES)


class FakeMistral:
    """Serves `POST /v1/chat/completions` from a script, plus `GET /v1/models`.

    Start it (or use it as a context manager), point a client at `base_url`, queue steps with
    `script(...)`, then inspect `requests`. Without any script it echoes the last user message.
    """

    def __init__(
        self,
        api_key: str | None = None,
        model: str = "devstral-test",
        context_length: int = 131072,
        *,
        port: int = 0,
        chunk_delay: float = 0.0,
        on_request: Callable[[RecordedRequest], None] | None = None,
    ) -> None:
        self.api_key = api_key
        self.model = model
        self.context_length = context_length
        self.chunk_delay = chunk_delay  # applies to replies that set none of their own (demos)
        self.on_request = on_request
        self._requested_port = port
        self.port = 0
        self._lock = threading.Lock()
        self._requests_changed = threading.Condition(self._lock)
        self._steps: deque[Step] = deque()
        self._scripted = False
        self._requests: list[RecordedRequest] = []
        # The Authorization header of every HTTP request, /models included (None when absent):
        # what a server learns of the client's key, whatever it asked for.
        self.authorizations: list[str | None] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self._startup_error: BaseException | None = None

    @classmethod
    def from_json(cls, path: str | Path, **kwargs: Any) -> FakeMistral:
        """A server scripted from a JSON file (see `script.load_json_script` for the format)."""
        loaded = load_json_script(path)
        if loaded.model is not None:
            kwargs.setdefault("model", loaded.model)
        server = cls(**kwargs)
        if loaded.steps:
            server.script(*loaded.steps)
        return server

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeMistral:
        if self._thread is not None:
            raise RuntimeError("FakeMistral is already started")
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="fake-mistral", daemon=True)
        self._thread.start()
        ready.wait()
        if self._startup_error is not None:
            self._thread.join()
            raise self._startup_error
        return self

    def stop(self) -> None:
        """Close every connection (stalled ones included) and the listening socket; idempotent."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop may have finished already
            loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout=10)

    def __enter__(self) -> FakeMistral:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("FakeMistral is not started")
        return f"http://127.0.0.1:{self.port}/v1"

    # -- script and recordings -------------------------------------------------------------

    def script(self, *steps: Step) -> FakeMistral:
        """Queue steps; each chat request consumes the next one."""
        with self._lock:
            self._scripted = True
            self._steps.extend(steps)
        return self

    def clear_script(self) -> None:
        """Drop the steps no request has consumed (a client that was killed mid-script)."""
        with self._lock:
            self._steps.clear()

    @property
    def remaining_steps(self) -> int:
        with self._lock:
            return len(self._steps)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def script_exhausted(self) -> bool:
        """True once a request came after the last scripted step (and got the fallback text)."""
        return any(r.answered_by == "exhausted" for r in self.requests)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> list[RecordedRequest]:
        with self._requests_changed:
            if not self._requests_changed.wait_for(lambda: len(self._requests) >= n, timeout):
                raise TimeoutError(f"expected {n} chat requests within {timeout}s, got {len(self._requests)}")
            return list(self._requests)

    def _next_step(self) -> tuple[Step, str]:
        with self._lock:
            if self._steps:
                return self._steps.popleft(), "reply"
            if self._scripted:
                return reply(EXHAUSTED_TEXT), "exhausted"
        return _echo, "echo"

    def _record(self, request: RecordedRequest) -> None:
        with self._requests_changed:
            self._requests.append(request)
            self._requests_changed.notify_all()
        if self.on_request is not None:
            self.on_request(request)

    # -- serving ---------------------------------------------------------------------------

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(ready))
        except BaseException as exc:  # surfaced by start() instead of hanging it
            self._startup_error = self._startup_error or exc
        finally:
            loop.close()
            ready.set()

    async def _serve(self, ready: threading.Event) -> None:
        self._stopping = asyncio.Event()
        try:
            server = await asyncio.start_server(self._on_connection, "127.0.0.1", self._requested_port)
        except OSError as exc:
            self._startup_error = exc
            ready.set()
            return
        self.port = cast(tuple[str, int], server.sockets[0].getsockname())[1]
        ready.set()
        await self._stopping.wait()
        server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        out = ResponseWriter(writer)
        try:
            while True:
                try:
                    request = await read_request(reader)
                except BadRequestError as exc:
                    await out.send_json(400, error_body(400, str(exc)), keep_alive=False)
                    break
                if request is None or not await self._dispatch(request, out) or not request.keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away; nothing to answer
        finally:
            if task is not None:
                self._connections.discard(task)
            writer.close()

    def _authorized(self, request: HttpRequest) -> bool:
        return self.api_key is None or request.headers.get("authorization") == f"Bearer {self.api_key}"

    async def _dispatch(self, request: HttpRequest, out: ResponseWriter) -> bool:
        """Answer one request; False when the connection must not be reused."""
        with self._lock:
            self.authorizations.append(request.headers.get("authorization"))
        path, method = request.path, request.method
        if path == "/v1/chat/completions":
            if method != "POST":
                await out.send_json(405, error_body(405), extra_headers=[("Allow", "POST")])
                return True
            return await self._chat(request, out)
        if path == "/v1/models" or path == f"/v1/models/{self.model}":
            if method != "GET":
                await out.send_json(405, error_body(405), extra_headers=[("Allow", "GET")])
            elif not self._authorized(request):
                await out.send_json(401, error_body(401))
            elif path == "/v1/models":
                await out.send_json(200, {"object": "list", "data": [self._card()]})
            else:
                await out.send_json(200, self._card())
            return True
        await out.send_json(404, {"detail": "Not Found"})
        return True

    def _card(self) -> dict[str, Any]:
        return model_card(self.model, self.context_length)

    async def _chat(self, request: HttpRequest, out: ResponseWriter) -> bool:
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._record(RecordedRequest({}, request.headers, "bad_request"))
            await out.send_json(400, error_body(400, "the request body is not a JSON object"))
            return True
        recorded = RecordedRequest(cast(dict[str, Any], body), request.headers)
        if not self._authorized(request):
            recorded.answered_by = "unauthorized"
            self._record(recorded)
            await out.send_json(401, error_body(401))
            return True
        step, recorded.answered_by = self._next_step()
        if not isinstance(step, _STEP_VALUES):
            try:
                built = cast(object, step(recorded))  # dynamic steps are untyped test code
                if not isinstance(built, _STEP_VALUES):
                    raise TypeError(f"returned {built!r}, not a reply or a fault")
                step = built
            except Exception as exc:  # a broken dynamic step is the test's bug: make it loud
                recorded.answered_by = "error"
                self._record(recorded)
                await out.send_json(500, error_body(500, f"dynamic step raised {exc!r}"))
                return True
        if not isinstance(step, Reply):
            recorded.answered_by = _fault_name(step)
        # Recorded before answering, so a test can wait for a request whose answer stalls.
        self._record(recorded)
        return await send_step(step, recorded, out, Answering(self.model, self.chunk_delay, self._stopping))


def _echo(request: RecordedRequest) -> Reply:
    """Demo mode (no script given): repeat what the user said."""
    return reply(f"echo: {request.last_user_text}")


def _fault_name(step: Fault) -> str:
    """`fault:429`, `fault:drop`, `fault:json_completion`: what answered, for the recording."""
    if isinstance(step, StatusFault):
        return f"fault:{step.status}"
    kind = type(step).__name__.removesuffix("Fault")
    return "fault:" + "".join(f"_{c.lower()}" if c.isupper() else c for c in kind).lstrip("_")
