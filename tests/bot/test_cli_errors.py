"""A database or Telegram that cannot be used: every command says in one line which setting to check and why, and
exits 2; the traceback is there with ``--verbose`` (issue 10: it used to be 120-170 lines)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.emulator import BotApiEmulator
from tests.bot.conftest import free_port

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
COMMANDS = [
    ["db", "upgrade"],
    ["staff", "add", "--saeol-id", "kim01", "--name", "김동네", "--department", "총무과", "--new-department"],
    ["admin", "serve"],
    ["run"],
    ["demo-data"],
]


@pytest.fixture
def clean_env(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command line's folder with a token, so ``run`` gets as far as the database."""
    monkeypatch.setenv("DONGNE_BOT_TOKEN", TOKEN)
    return cli_env


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("dongne: ")
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_unreachable_database_is_one_line_naming_the_setting(clean_env, monkeypatch, capsys, command):
    port = free_port()
    monkeypatch.setenv("DONGNE_DATABASE_URL", f"postgresql+asyncpg://postgres:secret@127.0.0.1:{port}/dongne")
    assert main(command) == 2
    line = one_line(capsys.readouterr().err)
    assert "DONGNE_DATABASE_URL" in line and f"127.0.0.1:{port}" in line and "Connect call failed" in line
    assert "secret" not in line


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_database_that_does_not_exist_is_one_line_naming_it(
    clean_env, monkeypatch, capsys, postgres_database, command
):
    missing = make_url(postgres_database).set(database="dongne_no_such_database")
    monkeypatch.setenv("DONGNE_DATABASE_URL", missing.render_as_string(hide_password=False))
    assert main(command) == 2
    line = one_line(capsys.readouterr().err)
    assert "DONGNE_DATABASE_URL" in line and 'database "dongne_no_such_database" does not exist' in line


def test_verbose_adds_the_traceback(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("DONGNE_DATABASE_URL", f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/dongne")
    assert main(["--verbose", "db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dongne: ") and "DONGNE_DATABASE_URL" in err
    assert "Traceback (most recent call last)" in err and "ConnectionRefusedError" in err


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="dongne_test_bot") as emu:
        yield emu


async def run_command(env_dir: Path, *argv: str, **settings: str) -> tuple[int, str, str]:
    """``dongne`` in its own process, as an operator starts it (``run`` installs signal handlers)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DONGNE_")}
    env |= {"DONGNE_DATA_DIR": str(env_dir / "data"), "DONGNE_BOT_USERNAME": "dongne_office_bot", **settings}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *argv,
        cwd=env_dir,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_malformed_token_is_one_line_naming_the_setting(tmp_path, emulator):
    code, _, err = await run_command(tmp_path, "db", "upgrade")
    assert code == 0, err
    code, _, err = await run_command(
        tmp_path, "run", DONGNE_BOT_TOKEN="garbage", DONGNE_TELEGRAM_API_URL=emulator.api_root
    )
    assert code == 2
    assert "DONGNE_BOT_TOKEN" in one_line(err)


async def test_an_unreachable_bot_api_is_one_line_naming_the_setting(tmp_path):
    code, _, err = await run_command(tmp_path, "db", "upgrade")
    assert code == 0, err
    api = f"http://127.0.0.1:{free_port()}"
    code, _, err = await run_command(tmp_path, "run", DONGNE_BOT_TOKEN=TOKEN, DONGNE_TELEGRAM_API_URL=api)
    assert code == 2, err
    line = one_line(err)
    assert "DONGNE_TELEGRAM_API_URL" in line and api in line
