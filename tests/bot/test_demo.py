"""``dongne demo``: the offline terminal chat a newcomer tries first."""

import os

from bot.demo import run_demo
from bot.settings import Settings


async def test_the_demo_answers_a_lookup_offline(capsys, monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("DONGNE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    script = iter(["/complex 쉐르빌", "2", "/quit"])

    async def type_next() -> str | None:
        return next(script, None)

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert await run_demo(settings, seed=2016, language="ko", pii=False, read_line=type_next) == 0
    out = capsys.readouterr().out
    assert "단지 164개, 701개동, 56,411세대" in out
    assert "🏢 성동삼성쉐르빌(주상복합)" in out and "동수/세대수: 3개동 342세대 · 층수: 4/27" in out
    assert "6. 총무 최" in out  # the representatives section opened from its button
    assert not list(tmp_path.glob("dongne-demo-*"))  # the throwaway database is gone
