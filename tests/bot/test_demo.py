"""``dongne demo``: the offline terminal chat a newcomer tries first."""

import asyncio
import logging
import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot import serving
from bot.app import Runtime, build_application
from bot.backups import BACKUP_JOB
from bot.demo import run_demo
from bot.retention import RETENTION_JOB
from bot.settings import Settings

# 왕십리도선동 has 6 managers with a mobile; the demo's fake UMS reports one of them (이상훈 of 성동삼성쉐르빌)
# as unreachable.
MANAGERS_IN_WANGSIMNI = "대상 6 · 발송 6 · 전달 5 · 실패 1 · 대기 0"
REPORTS_WITHIN = 20.0


@pytest.fixture
def offline_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    for name in list(os.environ):
        if name.startswith("DONGNE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # read once per process, so TMPDIR alone is late
    return Settings(_env_file=None)  # type: ignore[call-arg]


def demo_leftovers(temp: Path) -> list[str]:
    """What a run left behind, with what its kept log says, so a failure names the warning that kept it."""
    return [
        f"{path}: " + " | ".join(f"{kept.name}: {kept.read_text(encoding='utf-8')}" for kept in path.iterdir())
        for path in temp.glob("dongne-demo-*")
    ]


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
    # The persona's roles, in the greeting.
    assert (
        "권한 공동주택 조회, 공동주택 수정, 벤치마킹 총괄, 벤치마킹 추진, 문자 발송, 마을공동체 조회, 마을공동체 수정"
        in out
    )
    assert "✅ 문자 #1을 6명에게 보내도록 등록했습니다." in out
    assert "1. 강정호 (금호어울림왕십리뉴타운) 010-****-0759 — 전달 완료" in out
    assert "5. 이상훈 (성동삼성쉐르빌(주상복합)) 010-****-2307 — 실패\n   사유: 단말기 전원 꺼짐" in out
    assert "UMS 미설정" not in out  # a configured (fake) UMS: nothing says the messages were not sent


def greeting_log(out: str) -> Path:
    found = re.search(r"^봇 로그: (.+)$", out, re.MULTILINE)
    assert found, f"the greeting does not say where the log is:\n{out}"
    return Path(found[1])


async def test_the_greeting_names_the_roles_in_korean_and_each_run_logs_into_its_own_directory(
    capsys: pytest.CaptureFixture[str], offline_settings: Settings, tmp_path: Path
) -> None:
    logs: list[Path] = []
    for _ in range(2):

        async def type_next(script=iter(["/stats 2016", "1", "2", "/quit"])) -> str | None:  # noqa: B008 (one per run)
            line = next(script, None)
            if line == "/stats 2016":  # the greeting is out: the log exists, in this run's own directory
                greeting = capsys.readouterr().out
                logs.append(greeting_log(greeting))
                assert logs[-1].is_file() and logs[-1].parent.name.startswith("dongne-demo-")
            return line

        assert await run_demo(offline_settings, seed=2016, language="ko", pii=False, read_line=type_next) == 0
        out = capsys.readouterr().out
        assert "📊 벤치마킹 통계 · 2016년" in out
        # "1" drew the chart, which took the buttons, so "2" pressed the chart's 엑셀; the figures, which only
        # gave their buttons up, are not printed again as if edited.
        assert "[사진]\n📊 벤치마킹 통계 · 2016년\n[1] 📈 차트  [2] 📥 엑셀" in out
        assert "[문서 벤치마킹통계_2016년_" in out
        assert "(수정됨)" not in out
    assert logs[0].parent != logs[1].parent and logs[0].parent.parent == tmp_path
    assert not demo_leftovers(tmp_path)  # nothing went wrong, so nothing is left behind


async def test_a_run_that_logged_a_problem_keeps_its_log_and_says_where(
    capsys: pytest.CaptureFixture[str], offline_settings: Settings
) -> None:
    script = iter(["/quit"])

    async def type_next() -> str | None:
        logging.getLogger("bot.test").warning("예상하지 못한 응답")
        return next(script, None)

    assert await run_demo(offline_settings, seed=2016, language="ko", pii=False, read_line=type_next) == 0
    out = capsys.readouterr().out
    log = greeting_log(out)
    assert f"봇 로그에 경고나 오류가 기록되어 로그를 남겨 두었습니다: {log}" in out
    assert "예상하지 못한 응답" in log.read_text(encoding="utf-8")
    assert [p.name for p in log.parent.iterdir()] == [log.name]  # the throwaway database is gone


async def test_the_english_demo_names_the_roles_in_english(
    capsys: pytest.CaptureFixture[str], offline_settings: Settings
) -> None:
    script = iter(["/quit"])

    async def type_next() -> str | None:
        return next(script, None)

    assert await run_demo(offline_settings, seed=2016, language="en", pii=True, read_line=type_next) == 0
    out = capsys.readouterr().out
    assert "roles Housing: read, Housing: write, Personal data: view, Benchmarking: coordinate" in out
    assert "benchmark.coordinate" not in out


async def test_a_demo_left_running_overnight_touches_none_of_the_offices_files(
    monkeypatch: pytest.MonkeyPatch, offline_settings: Settings, tmp_path: Path
) -> None:
    """The demo shares the operator's settings; its nightly jobs would otherwise back the demo's database up into
    the office's backup folder (rotating real archives out) and its photos land in the office's data directory."""
    built: list[tuple[Runtime, Application[Any, Any, Any, Any, Any, Any]]] = []

    def recording(runtime: Runtime, **kwargs: Any) -> Application[Any, Any, Any, Any, Any, Any]:
        app = build_application(runtime, **kwargs)
        built.append((runtime, app))
        return app

    monkeypatch.setattr(serving, "build_application", recording)
    script = iter(["/quit"])

    async def type_next() -> str | None:
        return next(script, None)

    assert await run_demo(offline_settings, seed=2016, language="ko", pii=False, read_line=type_next) == 0
    ((runtime, app),) = built
    assert app.job_queue is not None
    nightly = {job.name for job in app.job_queue.jobs()} & {BACKUP_JOB, RETENTION_JOB}
    assert not nightly
    assert runtime.settings.data_dir.name.startswith("dongne-demo-")  # the run's own folder, gone with it
