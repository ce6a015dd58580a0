"""Updates of one conversation run one at a time, in order; different staff run side by side."""

import asyncio

import pytest
from telegram import Chat, Message, Update, User

from bot.processor import PerConversationUpdateProcessor


def text_update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "직원", False)
    chat = Chat(user_id, "private")
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))  # type: ignore[arg-type]


async def test_one_conversation_is_served_in_order_and_others_are_not_held_up():
    processor = PerConversationUpdateProcessor(max_concurrent_updates=16)
    log: list[str] = []
    slow_started = asyncio.Event()

    async def slow(name: str) -> None:
        log.append(f"{name} start")
        slow_started.set()
        await asyncio.sleep(0.2)
        log.append(f"{name} end")

    async def quick(name: str) -> None:
        log.append(f"{name} start")
        log.append(f"{name} end")

    tasks = [asyncio.create_task(processor.process_update(text_update(1, 7), slow("A1")))]
    await slow_started.wait()
    tasks.append(asyncio.create_task(processor.process_update(text_update(2, 7), quick("A2"))))
    tasks.append(asyncio.create_task(processor.process_update(text_update(3, 8), quick("B1"))))
    await asyncio.gather(*tasks)
    # B did not wait for A's slow step; A's second update waited for its first.
    assert log.index("B1 end") < log.index("A1 end") < log.index("A2 start")
    assert processor._locks == {}  # idle conversations are forgotten


async def test_the_overall_cap_bounds_concurrency():
    processor = PerConversationUpdateProcessor(max_concurrent_updates=3)
    running = peak = 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    await asyncio.gather(*(processor.process_update(text_update(i, 100 + i), work()) for i in range(12)))
    assert peak == 3


async def test_whoever_runs_the_bot_hears_each_update_once_its_handling_ended_even_a_failed_one():
    handled: list[int] = []
    processor = PerConversationUpdateProcessor(max_concurrent_updates=4, on_handled=handled.append)
    release = asyncio.Event()

    async def waits() -> None:
        await release.wait()

    async def fails() -> None:
        raise RuntimeError("the handler broke")

    waiting = asyncio.create_task(processor.process_update(text_update(1, 7), waits()))
    with pytest.raises(RuntimeError):
        await processor.process_update(text_update(2, 8), fails())
    assert handled == [2]  # the first is still being handled: not reported yet
    release.set()
    await waiting
    assert handled == [2, 1]
