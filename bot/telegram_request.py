"""The bot's requests to the Bot API over aiohttp's client instead of PTB's default, httpx.

Sending is most of the bot's own CPU per update (benchmarks/README.md, issue 17): every httpx request passes
through anyio's cancel scopes and locks and checks each idle connection with a system call, where aiohttp's
client (already the admin endpoint's and the UMS client's library) parses in C. PTB lets a bot bring its own
``BaseRequest``; this one sends what ``HTTPXRequest`` sends (form fields, or multipart with the files) and
raises the same errors (``TimedOut``, ``NetworkError``), so nothing above it changes. Parameters go as one JSON
object of the values PTB would put in form fields; files as multipart, as PTB sends them.
"""

from __future__ import annotations

import io
from typing import Any

import aiohttp

# The same private helpers PTB's HTTPXRequest uses to tell "not given" from a given timeout.
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's own defaults (HTTPXRequest), kept so a slow network behaves as it did.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
MEDIA_WRITE_TIMEOUT = 20.0
_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """Up to ``connections`` connections kept open; a request waits up to ``pool_timeout`` for a free one."""

    def __init__(self, *, connections: int, pool_timeout: float) -> None:
        self._connections = connections
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def connections(self) -> int:
        return self._connections

    @property
    def pool_timeout(self) -> float:
        return self._pool_timeout

    @property
    def read_timeout(self) -> float:
        return READ_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, limit_per_host=self._connections)
            # Timeouts are per request (do_request); a cookie jar has nothing to keep for the Bot API.
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=None),
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = _given(read_timeout, READ_TIMEOUT)
        write = _given(write_timeout, MEDIA_WRITE_TIMEOUT if files else WRITE_TIMEOUT)
        connect = _given(connect_timeout, CONNECT_TIMEOUT)
        pool = _given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            # aiohttp's connect covers waiting for a free connection and opening one; it has no write timeout,
            # so the whole request is bounded by the sum (None: no bound, as PTB means by None).
            total=_sum(pool, connect, write, read),
            connect=_sum(pool, connect),
            sock_connect=connect,
            sock_read=read,
        )
        body: Any = None
        headers = None
        if files:
            body = _multipart(request_data.json_parameters if request_data else None, files)
        elif request_data is not None:
            # One JSON object of the parameters as PTB encodes them for a form: the Bot API reads a string value
            # as a form field's (an object given as its JSON text), and json.dumps is C where form-encoding
            # Korean text is percent-escaping byte by byte in Python.
            body, headers = request_data.json_payload, _JSON
        try:
            async with self._session.request(method, url, data=body, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are asyncio's (TimeoutError since 3.11)
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


def _given(value: ODVInput[float], default: float) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _sum(*parts: float | None) -> float | None:
    return None if any(part is None for part in parts) else sum(part for part in parts if part is not None)


def _multipart(fields: dict[str, str] | None, files: dict[str, Any]) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)
    for name, value in (fields or {}).items():
        form.add_field(name, value)
    for name, part in files.items():
        if isinstance(part, tuple):
            filename, content, mimetype = part
            if isinstance(content, bytes):
                content = io.BytesIO(content)
            form.add_field(name, content, filename=filename, content_type=mimetype)
        else:
            form.add_field(name, part)
    return form


async def close_requests(*requests: object) -> None:
    """Shut down the given requests that are ours (a failed start leaves them open)."""
    for request in requests:
        if isinstance(request, AiohttpRequest):
            await request.shutdown()
