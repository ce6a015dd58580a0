"""What the bot counts while staff use it, as the office's Prometheus reads it from ``/metrics``: each update
under its handler's name with its duration, each error under the handler that raised it, and never anything
a user typed as a label, however many strangers type commands or forge buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.admin.app import build_admin_app
from bot.app import Runtime
from bot.metrics import DURATION_BUCKETS
from tests.builders import make_complex, make_staff
from tests.scraping import Scraped, label_values, scraped, value

Scrape = Callable[[], Awaitable[Scraped]]


@pytest.fixture
async def scrape(runtime: Runtime) -> AsyncIterator[Scrape]:
    """The endpoint of the bot's own process, as ``dongne run`` serves it, read from this machine."""
    app = build_admin_app(runtime.services, runtime.engine, process_metrics=runtime.metrics)
    async with TestClient(TestServer(app)) as client:

        async def read() -> Scraped:
            response = await client.get("/metrics")
            assert response.status == 200
            return scraped(await response.text())

        yield read


async def test_a_lookup_is_counted_and_timed_under_its_handlers(officer, uow_factory, scrape):
    for i in range(2):
        await make_complex(uow_factory, name=f"래미안{i:02d}")
    before = await scrape()
    assert "dongne_updates_handled_total" not in before  # nothing handled yet: the family has no series

    results = (await officer.send("/complex 래미안"))[-1]
    button = results.button("래미안01 · 왕십리도선동")
    assert button is not None and button.callback_data
    await officer.press("래미안01 · 왕십리도선동")
    pressed = f"button {button.callback_data.split(':', 1)[0]}"

    after = await scrape()
    for handler in ("command /complex", pressed):
        assert value(after, "dongne_updates_handled_total", handler=handler) == 1
        assert value(after, "dongne_update_duration_seconds_count", handler=handler) == 1
        assert 0 < value(after, "dongne_update_duration_seconds_sum", handler=handler) < DURATION_BUCKETS[-1]
        assert value(after, "dongne_update_duration_seconds_bucket", handler=handler, le="+Inf") == 1
    assert "dongne_update_errors_total" not in after


async def test_an_error_is_counted_under_the_handler_that_raised_it(bot, services, emulator, scrape, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("디스크가 가득 찼습니다")

    await make_staff(services, telegram_id=4102)
    monkeypatch.setattr(services.housing, "search_complexes", broken)
    await emulator.user(4102).send("/complex 쉐르빌")
    samples = await scrape()
    assert value(samples, "dongne_update_errors_total", handler="command /complex") == 1
    assert value(samples, "dongne_updates_handled_total", handler="command /complex") == 1


async def test_what_users_type_never_becomes_a_label(officer, emulator, scrape):
    results = (await officer.send("/complex"))[-1]
    await officer.send("/쉐르빌_비밀명령", expect_reply=False)
    await officer.send("/complexx@dongne_test_bot 홍길동", expect_reply=False)
    await officer.press_data(results, "zz:forged:1", expect_reply=False)
    await officer.press_data(results, "쉐르빌", expect_reply=False)
    await emulator.user(4999).send("/홍길동_010_1234_5678", expect_reply=False)  # a stranger, refused by the gate

    samples = await scrape()
    handlers = label_values(samples, "dongne_updates_handled_total", "handler")
    assert handlers == {"command /complex", "command other", "button other"}
    assert value(samples, "dongne_updates_handled_total", handler="command other") == 3
    assert value(samples, "dongne_updates_handled_total", handler="button other") == 2
    every_label = {value for series in samples.values() for labels in series for _, value in labels}
    for typed in ("쉐르빌", "complexx", "홍길동", "zz", "forged", "010"):
        assert not any(typed in label for label in every_label), typed
