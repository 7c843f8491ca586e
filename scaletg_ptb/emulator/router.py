"""Turn an HTTP request into a Bot API answer: token check, parameters, faults, method, log."""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Awaitable, Coroutine
from typing import Any

from .calls import Call, CallLog
from .faults import Fault, FaultTable
from .forms import FormError, Upload, parse_body, parse_query
from .http import DROP, Request, Response
from .methods import BotApi, RawResult
from .params import ApiError, decode

_NOT_FOUND = ApiError(404, "Not Found")
_UNAUTHORIZED = ApiError(401, "Unauthorized")


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class Router:
    """The HTTP handler of the emulator: ``/bot<token>/<method>`` -> Bot API JSON."""

    def __init__(self, token: str, api: BotApi, faults: FaultTable, log: CallLog) -> None:
        self.token = token
        self.revoked = False
        self._api = api
        self._faults = faults
        self._log = log

    def __call__(self, request: Request) -> Response | Awaitable[Response]:
        """Answer one request, synchronously unless it has to wait."""
        token, _, method = request.path.removeprefix("/bot").partition("/")
        if not request.path.startswith("/bot") or not method or "/" in method:
            return self._answer(request.path, {}, {}, _NOT_FOUND)
        try:
            raw = parse_query(request.query)
            fields, uploads = parse_body(request.headers.get("content-type", ""), request.body)
        except FormError as err:
            return self._answer(method, {}, {}, ApiError(400, f"Bad Request: {err}"))
        raw.update(fields)
        params = decode(raw)
        if self.revoked or token != self.token:
            return self._answer(method, params, uploads, _UNAUTHORIZED)
        fault = self._faults.take(method)
        if fault is None:
            return self._dispatch(method, params, uploads)
        if fault.delay:
            return self._delayed(fault, method, params, uploads)
        return self._fail(fault, method, params, uploads)

    def _fail(
        self, fault: Fault, method: str, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> Response | Awaitable[Response]:
        if fault.drop and fault.after:
            ran = self._dispatch(method, params, uploads)
            return DROP if isinstance(ran, Response) else self._drop_when_done(ran)
        if fault.drop:
            self._record(method, params, uploads, 0, "connection dropped by an injected fault")
            return DROP
        error = fault.error()
        if error is not None:
            return self._answer(method, params, uploads, error)
        return self._dispatch(method, params, uploads)

    async def _drop_when_done(self, answer: Awaitable[Response]) -> Response:
        await answer
        return DROP

    async def _delayed(
        self, fault: Fault, method: str, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> Response:
        await asyncio.sleep(fault.delay or 0)
        result = self._fail(fault, method, params, uploads)
        return result if isinstance(result, Response) else await result

    def _dispatch(
        self, method: str, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> Response | Awaitable[Response]:
        handler = self._api.lookup(method)
        if handler is None:
            return self._answer(method, params, uploads, _NOT_FOUND)
        try:
            result = handler(params, uploads)
        except ApiError as err:
            return self._answer(method, params, uploads, err)
        if inspect.iscoroutine(result):
            return self._wait(method, params, uploads, result)
        return self._answer(method, params, uploads, result)

    async def _wait(
        self,
        method: str,
        params: dict[str, Any],
        uploads: dict[str, Upload],
        pending: Coroutine[Any, Any, Any],
    ) -> Response:
        try:
            result = await pending
        except ApiError as err:
            result = err
        return self._answer(method, params, uploads, result)

    def _answer(
        self, method: str, params: dict[str, Any], uploads: dict[str, Upload], result: object
    ) -> Response:
        """Serialise ``result`` (or the error) and log the call before it is sent."""
        if isinstance(result, ApiError):
            self._record(method, params, uploads, result.code, result.description)
            return Response(result.code, _dumps(result.to_dict()))
        if isinstance(result, RawResult):
            body = b'{"ok":true,"result":' + result + b"}"
        else:
            body = _dumps({"ok": True, "result": result})
        self._record(method, params, uploads, 200, None)
        return Response(200, body)

    def _record(
        self, method: str, params: dict[str, Any], uploads: dict[str, Upload], status: int, error: str | None
    ) -> None:
        files = {name: (upload.filename, len(upload.data)) for name, upload in uploads.items()}
        self._log.record(Call(method, params, files, status, time.monotonic(), error))
