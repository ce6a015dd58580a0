"""Every update leaves one line in the log saying what it was and how long it took, and every line logged while
it is handled carries its update id and the staff member's id: never their name, phone or what they typed."""

import io
import json
import logging

import pytest

from bot.logs import JsonFormatter, UpdateFields
from tests.builders import make_staff


@pytest.fixture
def log_lines(caplog):
    """The process's log as an operator's collector receives it (DONGNE_LOG_FORMAT=json)."""
    caplog.set_level(logging.INFO)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(UpdateFields())
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


async def test_a_lookup_is_logged_by_update_and_staff_id_only(bot, services, emulator, log_lines):
    member = await make_staff(services, name="홍길동", telegram_id=4101)
    chat = emulator.user(4101)
    await chat.send("/complex 쉐르빌")
    await chat.send("한강아파트")

    handled = [line for line in log_lines() if line["logger"] == "dongne.updates"]
    assert [line["message"] for line in handled] == ["handled command /complex", "handled text message"]
    assert all(line["staff_id"] == member.id and line["duration_ms"] >= 0 for line in handled)
    assert len({line["update_id"] for line in handled}) == 2
    everything = json.dumps(log_lines(), ensure_ascii=False)
    for private in ("홍길동", "쉐르빌", "한강아파트", "4101"):
        assert private not in everything


async def test_a_stranger_is_logged_without_a_staff_id_and_an_error_in_one_line(
    bot, services, emulator, log_lines, monkeypatch
):
    await emulator.user(4999).send("안녕하세요")
    refused = [line for line in log_lines() if line["logger"] == "dongne.updates"]
    assert refused[0]["message"] == "handled text message" and "staff_id" not in refused[0]

    async def broken(*args, **kwargs):
        raise RuntimeError("디스크가 가득 찼습니다")

    member = await make_staff(services, saeol_id="kim02", name="김철수", telegram_id=4102)
    monkeypatch.setattr(services.housing, "search_complexes", broken)
    replies = await emulator.user(4102).send("/complex 쉐르빌")
    assert replies  # the user still hears an apology
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert errors and errors[0]["staff_id"] == member.id
    assert "RuntimeError: 디스크가 가득 찼습니다" in errors[0]["error"]
