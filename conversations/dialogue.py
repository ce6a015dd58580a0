"""Which dialogue a staff member's typed text belongs to.

Each dialogue is its own persistent ConversationHandler, and one left half-way (a search never
finished, a registration abandoned for a phone call) would otherwise keep claiming every text typed
afterwards. The dialogue opened last holds the focus: it is stored in the user's data (so it survives
a restart) and only that dialogue's text, file and /cancel handlers see the user's messages. Buttons
carry their own namespace and need no focus.

A dialogue's button pressed on a screen of another of its steps (an old screen scrolled back to, or the
newer screen of a step that a killed process had not yet saved, so that the dialogue came back one step
behind) asks that step's question again rather than refusing the press: each dialogue says how to ask
each of its steps (``reshow``).

Only the open question keeps its buttons. A dialogue's latest message with buttons is its open question
(kept in the user's data, so a restart keeps it too). A button's answer turns the question into what was
chosen, without buttons; a typed answer leaves it standing until the next question with buttons appears
(of this dialogue or another), which takes its buttons off first; an ended dialogue leaves none behind. An
error reply keeps the question open, buttons and all. A dialogue's own buttons that every step accepts (its
취소) do nothing when pressed on a message older than the open question: a newer dialogue, or a newer run
of the same one, carries on and the press is told the screen is old. Browsing dialogues whose screens stay
usable (lists, cards) opt out with ``prompts=False``."""

from __future__ import annotations

import re
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from conversations.buttons import ButtonData
from conversations.context import DongneContext
from conversations.replies import OPEN_QUESTION, MessageKey, OpenQuestion, answer, drop_buttons, report, say
from core.errors import DongneError
from core.texts.i18n import t

FOCUS_KEY = "dialogue"
QUESTION_KEY = "question"  # [dialogue, chat id, message id] of the open question with buttons


class DialogueFocus:
    def __init__(self) -> None:
        self._user_data: Mapping[int, Mapping[str, Any]] | None = None

    def attach(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self._user_data = application.user_data

    def allows(self, name: str, user_id: int, key: str = FOCUS_KEY) -> bool:
        data = self._user_data.get(user_id) if self._user_data is not None else None
        current = data.get(key) if data else None
        return current is None or current == name


def enter(context: DongneContext, name: str, key: str = FOCUS_KEY) -> None:
    """Called by a dialogue's entry points: from now on the user's text is for this dialogue (with ``key``:
    the buttons it shares with other dialogues, see ``on_shared_button``)."""
    if context.user_data is not None:
        context.user_data[key] = name


class Focused(BaseHandler[Update, DongneContext, object]):
    """A dialogue's message handler that stands aside while another dialogue holds the focus (``key``: the
    focus on the buttons some dialogues share)."""

    def __init__(
        self,
        focus: DialogueFocus,
        name: str,
        inner: BaseHandler[Update, DongneContext, object],
        key: str = FOCUS_KEY,
    ) -> None:
        super().__init__(inner.callback, block=inner.block)
        self.focus = focus
        self.name = name
        self.inner = inner
        self.key = key

    def check_update(self, update: object) -> bool | object | None:
        if isinstance(update, Update) and update.effective_user is not None:
            if not self.focus.allows(self.name, update.effective_user.id, self.key):
                return None
        return self.inner.check_update(update)

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, DongneContext, Any, Any, Any, Any],
        check_result: object,
        context: DongneContext,
    ) -> object:
        return await self.inner.handle_update(update, application, check_result, context)


TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
ANY_MESSAGE = filters.UpdateType.MESSAGE & ~filters.COMMAND
FILES = filters.UpdateType.MESSAGE & (filters.Document.ALL | filters.PHOTO)


def on_shared_button(
    focus: DialogueFocus, name: str, key: str, kind: ButtonData, callback: Callable[[Update, DongneContext], Any]
) -> Focused:
    """A button that dialogue ``name`` shares with others (the same data in each): answered by the one that
    called ``enter(context, name, key)`` last, whichever dialogue holds the focus for typed text meanwhile."""
    return Focused(focus, name, CallbackQueryHandler(callback, pattern=kind.pattern), key)


def _unwrapped(handler: BaseHandler[Update, DongneContext, Any]) -> BaseHandler[Update, DongneContext, Any]:
    return handler.inner if isinstance(handler, Focused) else handler


def on_message(
    focus: DialogueFocus, name: str, which: filters.BaseFilter, callback: Callable[[Update, DongneContext], Any]
) -> Focused:
    """A message handler of dialogue ``name`` that only sees messages while it holds the focus."""
    return Focused(focus, name, MessageHandler(which, callback))


# Asks ``state``'s question again, with its keyboard, and returns the state the dialogue is then in.
Reshow = Callable[[Update, DongneContext, Any], Awaitable[object]]


def dialogue(
    name: str,
    focus: DialogueFocus,
    *,
    entry_points: Sequence[BaseHandler[Update, DongneContext, Any]],
    states: Mapping[object, Sequence[BaseHandler[Update, DongneContext, Any]]],
    fallbacks: Sequence[BaseHandler[Update, DongneContext, Any]],
    cancel: Callable[[Update, DongneContext], Any],
    reshow: Reshow | None = None,
    prompts: bool = True,
) -> ConversationHandler[DongneContext]:
    """A named, persistent dialogue that can be re-entered and that ``/cancel`` ends while it has focus.

    With ``reshow``, a press of one of the dialogue's buttons that its current step does not expect shows
    the current step again, with a short note that the screen was out of date. With ``prompts`` (the
    default), only its open question keeps its buttons (see the module's docstring)."""
    if reshow is not None:
        states = _with_outdated_presses(name, focus, states, fallbacks, reshow)
    typed_cancel = Focused(focus, name, CommandHandler("cancel", cancel))
    if prompts:
        for handler in map(_unwrapped, fallbacks):
            if isinstance(handler, CallbackQueryHandler):
                handler.callback = _unless_older_than_question(handler.callback)
        every = [*entry_points, *(h for hs in states.values() for h in hs), *fallbacks, typed_cancel]
        _track_questions(name, every)
    # Our buttons carry their own target in the data and are matched per chat, not per message, so
    # PTB's per_message advice does not apply; silence it rather than let it turn into an error.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=list(entry_points),
            states={state: list(handlers) for state, handlers in states.items()},
            fallbacks=[*fallbacks, typed_cancel],
            name=name,
            persistent=True,
            allow_reentry=True,
        )


def _with_outdated_presses(
    name: str,
    focus: DialogueFocus,
    states: Mapping[object, Sequence[BaseHandler[Update, DongneContext, Any]]],
    fallbacks: Sequence[BaseHandler[Update, DongneContext, Any]],
    reshow: Reshow,
) -> dict[object, list[BaseHandler[Update, DongneContext, Any]]]:
    """Each state's handlers, then one that takes any other step's button (but not the fallbacks', such as
    cancel, which every step accepts) and asks this state's question again; a step's shared button only
    while this dialogue holds the focus on it (``on_shared_button``)."""

    def patterns(handlers: Sequence[BaseHandler[Update, DongneContext, Any]], key: str | None) -> list[re.Pattern[str]]:
        """The button patterns of ``handlers``: their own (``key`` None), or those shared under ``key``."""
        kept = [_unwrapped(h) for h in handlers if (h.key if isinstance(h, Focused) else None) == key]
        return [h.pattern for h in kept if isinstance(h, CallbackQueryHandler) and isinstance(h.pattern, re.Pattern)]

    handlers = [h for hs in states.values() for h in hs]
    shared_keys = sorted(
        {h.key for h in handlers if isinstance(h, Focused) and isinstance(h.inner, CallbackQueryHandler)}
    )
    always = [p for key in (None, *shared_keys) for p in patterns(fallbacks, key)]

    def of_another_step(key: str | None) -> Callable[[object], bool]:
        steps = patterns(handlers, key)

        def matches(data: object) -> bool:
            if not isinstance(data, str):
                return False
            return any(p.match(data) for p in steps) and not any(p.match(data) for p in always)

        return matches

    def catch_alls(state: object) -> list[BaseHandler[Update, DongneContext, Any]]:
        own = CallbackQueryHandler(ask_again(state), pattern=of_another_step(None))
        shared = [
            Focused(focus, name, CallbackQueryHandler(ask_again(state), pattern=of_another_step(key)), key)
            for key in shared_keys
        ]
        return [own, *shared]

    def ask_again(state: object) -> Callable[[Update, DongneContext], Coroutine[Any, Any, object]]:
        async def on_outdated(update: Update, context: DongneContext) -> object:
            await answer(update, context, "common.screen_outdated")
            enter(context, name)  # the step may expect typed text: it is for this dialogue again
            try:
                return await reshow(update, context, state)
            except DongneError as error:
                await report(update, context, error)
                return state

        return on_outdated

    return {state: [*state_handlers, *catch_alls(state)] for state, state_handlers in states.items()}


def _pressed(update: Update) -> MessageKey | None:
    query = update.callback_query
    if query is None or query.message is None:
        return None
    return query.message.chat.id, query.message.message_id


def _open_question(context: DongneContext) -> tuple[str, MessageKey] | None:
    stored = context.user_data.get(QUESTION_KEY) if context.user_data is not None else None
    if not isinstance(stored, list) or len(stored) != 3:
        return None
    return str(stored[0]), (int(stored[1]), int(stored[2]))


def _track_questions(name: str, handlers: Sequence[BaseHandler[Update, DongneContext, Any]]) -> None:
    """Wrap each handler's callback (once, though a handler may serve several states) to keep the open
    question up to date."""
    seen: set[int] = set()
    for handler in handlers:
        target = _unwrapped(handler)
        if id(target) not in seen:
            seen.add(id(target))
            target.callback = _tracked(name, target.callback)


def _tracked(
    name: str, callback: Callable[[Update, DongneContext], Any]
) -> Callable[[Update, DongneContext], Coroutine[Any, Any, object]]:
    async def tracked(update: Update, context: DongneContext) -> object:
        before = _open_question(context)
        question = OpenQuestion(context, before[1] if before else None)
        token = OPEN_QUESTION.set(question)
        try:
            result = await callback(update, context)
        finally:
            OPEN_QUESTION.reset(token)
        if context.user_data is None:
            return result
        latest = question.shown[-1] if question.shown else None
        if result == ConversationHandler.END:
            if before is not None and before[0] == name and latest != question.question:
                await question.close()  # the dialogue is over: its last question is answered
            latest = None  # what an ended dialogue shows last is a result, not a question
        if question.closed:
            context.user_data.pop(QUESTION_KEY, None)
        if latest is not None:
            context.user_data[QUESTION_KEY] = [name, *latest]
        elif result == ConversationHandler.END and before is not None and before[0] == name:
            context.user_data.pop(QUESTION_KEY, None)
        return result

    return tracked


def _unless_older_than_question(
    callback: Callable[[Update, DongneContext], Any],
) -> Callable[[Update, DongneContext], Coroutine[Any, Any, object]]:
    """A button every step accepts (취소), refused on a message older than the open question: that belongs
    to an earlier dialogue, or an earlier run of this one, and must not end what runs now."""

    async def unless_older(update: Update, context: DongneContext) -> object:
        pressed, open_question = _pressed(update), _open_question(context)
        if pressed is not None and open_question is not None:
            chat_id, message_id = open_question[1]
            if pressed[0] == chat_id and pressed[1] < message_id:
                await answer(update, context, "common.prompt_outdated", alert=True)
                await drop_buttons(context, *pressed)
                return None
        return await callback(update, context)

    return unless_older


async def leave(update: Update, context: DongneContext, *keys: str) -> int:
    """End a dialogue at the staff member's wish, forgetting what it kept in their data."""
    await answer(update, context)
    if question := OPEN_QUESTION.get():
        await question.close()  # before the reply, so the chat reads in order
    if context.user_data is not None:
        for key in keys:
            context.user_data.pop(key, None)
    await say(update, context, t(context.lang, "common.cancelled"))
    return ConversationHandler.END


def scratch(context: DongneContext, key: str) -> dict[str, Any]:
    """What a dialogue keeps between steps, in the user's data so a restart keeps it too."""
    assert context.user_data is not None
    kept: dict[str, Any] = context.user_data.setdefault(key, {})
    return kept
