"""A fake UMS for the demo and the tests, speaking the contract of docs/ums.md. It accepts, delays and fails
on demand, counts what it receives per idempotency key, and reports deliveries (pushed, signed, to a
report URL; or kept for polling).

``sent`` counts how many times each key was actually sent to a phone: a key is sent once however often it
is submitted, which is the property the dispatcher relies on; tests assert ``sent[key] == 1``."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.ums.signing import signed_headers


@dataclass
class Faults:
    down: bool = False  # every submit answers 503
    fail_next: int = 0  # the next n submits answer 500 without accepting anything
    lose_answer_next: int = 0  # the next n submits accept the messages, then answer 500 (answer lost)
    drop_next: int = 0  # the next n submits close the connection without an answer (nothing accepted)
    delay_seconds: float = 0.0  # every submit accepts, then waits this long before answering
    no_message_id: bool = False  # accepts without naming a message_id (reports then name the key)
    reject_numbers: set[str] = field(default_factory=set)  # numbers refused permanently
    failed_numbers: set[str] = field(default_factory=set)  # accepted, then reported as failed


def _subject_fits(message: dict[str, str]) -> bool:
    """docs/ums.md: only an LMS has a subject, of at most 40 characters and 60 EUC-KR bytes."""
    subject = message.get("subject")
    if subject is None:
        return True
    if message.get("type") != "lms" or not isinstance(subject, str):
        return False
    return len(subject) <= 40 and len(subject.encode("euc-kr", errors="replace")) <= 60


class FakeUms:
    def __init__(
        self,
        *,
        report_url: str | None = None,
        secret: bytes | None = None,
        report_delay: float = 0.0,
        reports: bool = True,
    ) -> None:
        """``reports=False``: accepts and sends without ever reporting a delivery (benchmarks/scaling.py times the
        submission alone)."""
        self.faults = Faults()
        self.make_reports = reports
        self.report_url = report_url
        self.secret = secret
        self.report_delay = report_delay
        self.submissions: Counter[str] = Counter()  # requests naming a key, repeats included
        self.sent: Counter[str] = Counter()  # times a key was sent to a phone (must stay at 1)
        self.accepted: dict[str, str] = {}  # key -> message id
        self.texts: dict[str, str] = {}
        self.subjects: dict[str, str | None] = {}  # key -> the LMS subject sent to the phone (None: none)
        self.received: dict[str, dict[str, str]] = {}  # key -> the message as last submitted
        self.calls: list[tuple[int, int]] = []  # per submit call: messages, body bytes
        self.polls: list[dict[str, str]] = []  # the query of every poll
        self.reports: list[dict[str, object]] = []  # every report made, for polling
        self.pushed_ok = 0
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/messages", self._submit)
        app.router.add_get("/reports", self._poll)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound}"
        return self.url

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _submit(self, request: web.Request) -> web.Response:
        if self.faults.down:
            return web.json_response({"error": "down"}, status=503)
        if self.faults.fail_next > 0:
            self.faults.fail_next -= 1
            return web.json_response({"error": "internal"}, status=500)
        if self.faults.drop_next > 0:
            self.faults.drop_next -= 1
            assert request.transport is not None
            request.transport.close()
            return web.Response()  # never reaches the caller
        body = await request.read()
        payload = json.loads(body)
        self.calls.append((len(payload["messages"]), len(body)))
        results = []
        for message in payload["messages"]:
            key = message["idempotency_key"]
            self.submissions[key] += 1
            self.received[key] = message
            if message["to"] in self.faults.reject_numbers:
                results.append(
                    {"idempotency_key": key, "status": "rejected", "error": "invalid_number", "permanent": True}
                )
                continue
            if not _subject_fits(message):
                results.append(
                    {"idempotency_key": key, "status": "rejected", "error": "invalid_subject", "permanent": True}
                )
                continue
            if key not in self.accepted:
                self.accepted[key] = f"ums-{next(self._ids)}"
                self.sent[key] += 1
                self.texts[key] = message["text"]
                self.subjects[key] = message.get("subject")
                self._report(key, message["to"])
            answer = {"idempotency_key": key, "status": "accepted", "message_id": self.accepted[key]}
            if self.faults.no_message_id:
                del answer["message_id"]
            results.append(answer)
        # Slow after accepting: a caller that gives up meanwhile has had its messages accepted all the same.
        if self.faults.delay_seconds:
            await asyncio.sleep(self.faults.delay_seconds)
        if self.faults.lose_answer_next > 0:
            self.faults.lose_answer_next -= 1
            return web.json_response({"error": "internal"}, status=500)
        return web.json_response({"results": results})

    def _report(self, key: str, phone: str) -> None:
        if not self.make_reports:
            return
        delivered = phone not in self.faults.failed_numbers
        report: dict[str, object] = {
            "report_id": f"r-{self.accepted[key]}",
            "message_id": self.accepted[key],
            "idempotency_key": key,
            "status": "delivered" if delivered else "failed",
            "reason": None if delivered else "단말기 전원 꺼짐",
        }
        self.reports.append(report)
        if self.report_url and self.secret:
            task = asyncio.create_task(self._push([report]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _push(self, reports: list[dict[str, object]]) -> None:
        await asyncio.sleep(self.report_delay)
        assert self.report_url is not None and self.secret is not None
        body = json.dumps({"reports": reports}).encode()
        if self._client is None:
            self._client = aiohttp.ClientSession()
        for _ in range(20):  # pushes until acknowledged, as a real UMS would
            try:
                headers = {"Content-Type": "application/json", **signed_headers(self.secret, body)}
                async with self._client.post(self.report_url, data=body, headers=headers) as response:
                    if response.status in (200, 409):
                        self.pushed_ok += 1
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)

    async def _poll(self, request: web.Request) -> web.Response:
        """Reports after the cursor (the count already served), at most ``limit`` of them."""
        self.polls.append(dict(request.query))
        after = int(request.query.get("after", "0") or 0)
        page = self.reports[after : after + int(request.query.get("limit", "100"))]
        return web.json_response({"reports": page, "cursor": str(after + len(page))})
