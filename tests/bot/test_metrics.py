"""The labels updates are counted under: every command and button the bot answers has its own, and anything a
user can make up falls into one of three, so the series Prometheus keeps stay as few as the bot's handlers."""

from __future__ import annotations

import importlib
import pkgutil

import conversations
from bot.gate import build_gate
from bot.metrics import ProcessMetrics, handled_kinds
from conversations.buttons import ButtonData
from conversations.dialogue import DialogueFocus
from conversations.handlers import build_handlers
from conversations.menu import COMMANDS


def the_bots_handlers() -> list:
    return [build_gate(), *build_handlers(DialogueFocus())]


def button_namespaces() -> set[str]:
    """The namespace of every kind of button the dialogues define (conversations/buttons.py)."""
    found = set()
    for module_info in pkgutil.walk_packages(conversations.__path__, "conversations."):
        module = importlib.import_module(module_info.name)
        found.update(kind.prefix.split(":", 1)[0] for kind in vars(module).values() if isinstance(kind, ButtonData))
    return found


def test_every_command_and_button_the_bot_answers_has_a_label_of_its_own():
    kinds = handled_kinds(the_bots_handlers())
    assert {f"command /{command.name}" for command in COMMANDS} <= kinds
    namespaces = button_namespaces()
    assert len(namespaces) > 10
    assert {f"button {namespace}" for namespace in namespaces} <= kinds


def test_anything_else_counts_as_other_and_adds_no_series():
    metrics = ProcessMetrics()
    metrics.learn_handlers(the_bots_handlers())
    assert metrics.handler_label("command /complex") == "command /complex"
    assert metrics.handler_label("text message") == "text message"
    assert metrics.handler_label("command /홍길동") == "command other"
    assert metrics.handler_label("button zz") == "button other"
    assert metrics.handler_label("ChatMemberUpdated") == "other"
    for n in range(500):
        metrics.handled(f"command /guess{n}", 0.01)
        metrics.handled(f"button x{n}", 0.01)
        metrics.failed(f"button x{n}")
    metrics.handled("command /complex", 0.02)
    series = {
        (sample.name, sample.labels.get("handler"))
        for family in metrics.registry.collect()
        for sample in family.samples
        if sample.name.startswith("dongne_update")
    }
    assert {handler for _, handler in series} == {"command other", "button other", "command /complex"}
