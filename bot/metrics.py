"""The process's own metrics: which updates the bot handled, how long each took and which failed, by handler;
and what the process is (its version, its start, its memory and CPU). The admin endpoint's ``/metrics``
(bot/admin/metrics.py) shows them with what it reads from the database at each scrape.

Each process (each test) has a registry of its own rather than prometheus-client's global one, so two bots or
two endpoints in one process never count into each other.

A handler's label is the kind ``update_kind`` names (bot/update_kinds.py), kept to a set known in advance: the
commands and button namespaces the bot's handlers answer, and the kinds of message. Anything else a user can
make up (``/whatever``, forged button data) counts as ``command other`` or ``button other``, so no number of
strangers can grow the series Prometheus keeps."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, Info, ProcessCollector
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.update_kinds import FIXED_KINDS

METRICS_KEY = "metrics"  # in bot_data: the error handler counts there
# A reply takes milliseconds; a search over a large ledger or a workbook export, seconds; past 30 s, too long.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Errors raised outside any update (a job, the connection to Telegram).
NO_UPDATE = "no update"
OTHER = "other"
# A button's namespace as its handler's pattern begins (conversations/buttons.py: ``^cx:`` or ``^cx:open(:|$)``).
_NAMESPACE = re.compile(r"\^([A-Za-z0-9_]+)")


def dongne_version() -> str:
    try:
        return version("dongne")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _walk(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> Iterable[BaseHandler[Any, Any, Any]]:
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            yield from _walk(handler.entry_points)
            for state in handler.states.values():
                yield from _walk(state)
            yield from _walk(handler.fallbacks)
        else:
            yield handler


def handled_kinds(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> set[str]:
    """The commands and button namespaces ``handlers`` answer, as ``update_kind`` names them."""
    kinds: set[str] = set()
    for handler in _walk(handlers):
        if isinstance(handler, CommandHandler):
            kinds.update(f"command /{command}" for command in handler.commands)
        elif isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern):
            found = _NAMESPACE.match(handler.pattern.pattern)
            if found:
                kinds.add(f"button {found[1]}")
    return kinds


class ProcessMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # process_start_time_seconds, memory, CPU, open files
        Info("dongne_build", "The running version of Dongne.", registry=self.registry).info(
            {"version": dongne_version()}
        )
        self._updates = Counter(
            "dongne_updates_handled", "Telegram updates handled, by handler.", ["handler"], registry=self.registry
        )
        self._durations = Histogram(
            "dongne_update_duration_seconds",
            "How long handling an update took, from its arrival at the bot to its last reply, by handler.",
            ["handler"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._errors = Counter(
            "dongne_update_errors",
            "Errors that reached the bot's error handler, by the handler of the update that raised them.",
            ["handler"],
            registry=self.registry,
        )
        self._known: frozenset[str] = frozenset((*FIXED_KINDS, NO_UPDATE))
        # Label children looked up once per kind (prometheus-client's ``labels`` takes a lock and builds a key).
        self._handled: dict[str, tuple[Any, Any]] = {}
        self._failed: dict[str, Any] = {}

    def learn_handlers(self, handlers: Iterable[BaseHandler[Any, Any, Any]]) -> None:
        """The commands and buttons the bot answers become labels of their own."""
        self._known = self._known | handled_kinds(handlers)

    def handler_label(self, kind: str) -> str:
        if kind in self._known:
            return kind
        first = kind.split(" ", 1)[0]
        return f"{first} {OTHER}" if first in ("command", "button") else OTHER

    def handled(self, kind: str, seconds: float) -> None:
        """On the path of every update: two dictionary reads and two increments once the kind has been seen."""
        children = self._handled.get(kind)
        if children is None:
            label = self.handler_label(kind)
            children = self._updates.labels(label), self._durations.labels(label)
            if label == kind:  # only known kinds are remembered, so the map stays as small as the label set
                self._handled[kind] = children
        children[0].inc()
        children[1].observe(seconds)

    def failed(self, kind: str) -> None:
        child = self._failed.get(kind)
        if child is None:
            label = self.handler_label(kind)
            child = self._errors.labels(label)
            if label == kind:
                self._failed[kind] = child
        child.inc()
