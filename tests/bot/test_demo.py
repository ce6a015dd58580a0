"""``dongne demo``: the offline terminal chat a newcomer tries first."""

import asyncio
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo import run_demo
from bot.settings import Settings

# 왕십리도선동 has 13 managers with a mobile; the demo's fake UMS reports one of them (이상훈 of 성동삼성쉐르빌)
# as unreachable.
MANAGERS_IN_WANGSIMNI = "대상 13 · 발송 13 · 전달 12 · 실패 1 · 대기 0"
REPORTS_WITHIN = 20.0


@pytest.fixture
def offline_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    for name in list(os.environ):
        if name.startswith("DONGNE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    return Settings(_env_file=None)  # type: ignore[call-arg]


def demo_leftovers(temp: Path) -> list[Path]:
    return list(temp.glob("dongne-demo-*"))


async def test_the_demo_answers_a_lookup_offline(
    capsys: pytest.CaptureFixture[str], offline_settings: Settings, tmp_path: Path
) -> None:
    script = iter(["/complex 쉐르빌", "2", "/quit"])

    async def type_next() -> str | None:
        return next(script, None)

    assert await run_demo(offline_settings, seed=2016, language="ko", pii=False, read_line=type_next) == 0
    out = capsys.readouterr().out
    assert "단지 164개, 701개동, 56,411세대" in out
    assert "🏢 성동삼성쉐르빌(주상복합)" in out and "동수/세대수: 3개동 342세대 · 층수: 4/27" in out
    assert "6. 총무 최" in out  # the representatives section opened from its button
    assert not demo_leftovers(tmp_path)  # the throwaway database is gone


def button(screen: str, label: str) -> str:
    """What to type to press the button ``label`` on the screen the chat printed last."""
    found = re.findall(rf"\[(\d+)\] {re.escape(label)}(?:  |$)", screen, re.MULTILINE)
    assert found, f"no button {label!r} in:\n{screen}"
    return str(found[-1])


async def test_the_demo_sends_text_messages_to_a_fake_ums_and_shows_what_was_delivered(
    capsys: pytest.CaptureFixture[str], offline_settings: Settings
) -> None:
    printed: list[str] = []

    def screen() -> str:
        printed.append(capsys.readouterr().out)
        return printed[-1]

    async def session() -> AsyncIterator[str]:
        yield "/sms"
        yield button(screen(), "🏢 관리소장")
        yield button(screen(), "동별")
        yield button(screen(), "왕십리도선동")
        yield "{이름} 소장님, 관리비 점검 안내드립니다."
        yield button(screen(), "📤 지금 보내기")
        yield button(screen(), "✅ 보내기")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPORTS_WITHIN
        while True:  # the dispatcher submits within its idle pause; the signed reports follow
            yield "/sms_results"
            results = screen()
            if MANAGERS_IN_WANGSIMNI in results:
                break
            assert loop.time() < deadline, f"no delivery reports in the results:\n{results}"
            await asyncio.sleep(0.05)
        yield button(results, "#1 상세")
        yield "/quit"

    lines = session()

    async def type_next() -> str | None:
        return await anext(lines, None)

    assert await run_demo(offline_settings, seed=2016, language="ko", pii=False, read_line=type_next) == 0
    screen()
    out = "".join(printed)
    assert "sms.send" in out  # the persona's roles, in the greeting
    assert "✅ 문자 #1을 13명에게 보내도록 등록했습니다." in out
    assert "1. 장정미 (KCC스위첸도선) 010-****-1864 — 전달 완료" in out
    assert "6. 이상훈 (성동삼성쉐르빌(주상복합)) 010-****-2307 — 실패\n   사유: 단말기 전원 꺼짐" in out
    assert "UMS 미설정" not in out  # a configured (fake) UMS: nothing says the messages were not sent
