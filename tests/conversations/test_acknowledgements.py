"""A button press's plain acknowledgement goes out beside the work it asked for, and has arrived by the time the
update counts as handled; one with a text (an alert) still comes first, and a failed one does not fail the update."""

import asyncio
from types import SimpleNamespace

from telegram.error import NetworkError

from conversations.replies import acknowledgements, answer


class Press:
    """A callback query whose answer takes a while, noting the order things happened in."""

    def __init__(self, log: list[str], *, fails: bool = False) -> None:
        self._log, self._fails = log, fails

    async def answer(self, text=None, show_alert=False):
        self._log.append(f"answer started: {text}")
        await asyncio.sleep(0.05)
        if self._fails:
            raise NetworkError("telegram went away")
        self._log.append("answered")


def update_of(press: Press) -> SimpleNamespace:
    return SimpleNamespace(callback_query=press)


CONTEXT = SimpleNamespace(lang="ko")


async def test_the_acknowledgement_goes_out_beside_the_work_and_is_done_by_the_end():
    log: list[str] = []
    async with acknowledgements():
        await answer(update_of(Press(log)), CONTEXT)
        log.append("work done")
    assert log.index("work done") < log.index("answered")  # the work did not wait for Telegram's answer
    assert log[-1] == "answered"  # and the answer had arrived when the update was done


async def test_an_alert_is_answered_before_the_work_and_outside_an_update_everything_waits():
    log: list[str] = []
    async with acknowledgements():
        await answer(update_of(Press(log)), CONTEXT, "common.button_invalid", alert=True)
        log.append("work done")
    assert log[0].startswith("answer started: ") and log[1:] == ["answered", "work done"]
    log.clear()
    await answer(update_of(Press(log)), CONTEXT)  # no update processor around: answered in place
    log.append("work done")
    assert log == ["answer started: None", "answered", "work done"]


async def test_a_failed_acknowledgement_does_not_fail_the_update(caplog):
    log: list[str] = []
    async with acknowledgements():
        await answer(update_of(Press(log, fails=True)), CONTEXT)
        log.append("work done")
    assert "work done" in log and "answered" not in log
    assert "could not answer a button press" in caplog.text
