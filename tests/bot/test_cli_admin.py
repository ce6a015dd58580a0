"""The IT admin's commands for the admin endpoint: create the first admin (password typed twice or piped in),
change a password, serve the endpoint alone, and serve it beside the bot in ``dongne run``."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot import serving
from bot.app import Runtime, build_application, build_runtime
from bot.cli import main
from bot.settings import Settings
from core.staff.access import MIN_PASSWORD, SignInRefused
from core.texts.i18n import t_plain
from tests.bot.conftest import TOKEN, free_port
from tests.builders import make_staff

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]


def cli(key: str, **params: object) -> str:
    return t_plain("ko", f"cli.{key}", **params)


def cli_error(key: str, **params: object) -> str:
    return t_plain("ko", f"cli_error.{key}", **params)


@pytest.fixture
def cli_env(cli_env: Path) -> Path:
    """The command line's folder (tests/bot/conftest.py), its database migrated."""
    assert main(["db", "upgrade"]) == 0
    return cli_env


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the operator types at each password prompt, in order (getpass reads no terminal in tests)."""
    answers: list[str] = []
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        if not answers:
            raise AssertionError(f"asked once more than expected: {prompts}")
        return answers.pop(0)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    return answers


def piped(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def with_runtime(check: Any) -> Any:
    """Run ``check(runtime)`` against the CLI's database, the way a later command would see it."""

    async def run() -> Any:
        runtime = build_runtime(Settings())
        try:
            return await check(runtime)
        finally:
            await runtime.close()

    return asyncio.run(run())


def staff_of(saeol_id: str) -> Any:
    async def find(runtime: Runtime) -> Any:
        async with runtime.uow() as uow:
            return await uow.staff.find_staff_by_saeol_id(saeol_id)

    return with_runtime(find)


def signs_in(saeol_id: str, password: str) -> bool:
    async def attempt(runtime: Runtime) -> bool:
        try:
            await runtime.services.admin_access.sign_in(saeol_id, password, "127.0.0.1")
        except SignInRefused:
            return False
        return True

    return bool(with_runtime(attempt))


# -- dongne admin create / password -----------------------------------------------------------------------


def test_a_script_creates_the_first_admin_with_the_password_on_stdin(cli_env, monkeypatch, capsys):
    piped(monkeypatch, PASSWORD + "\n")
    assert main(["admin", "create", "--username", "KimIT", "--name", "김전산", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert cli("admin_created", name="김전산", saeol_id="kimit", department="전산정보과") in out
    assert cli("admin_sign_in", url="http://127.0.0.1:8080/sign-in", saeol_id="kimit") in out
    admin = staff_of("kimit")
    assert admin.department == "전산정보과" and admin.permissions == frozenset({"admin"})
    assert signs_in("kimit", PASSWORD)


def test_the_password_is_typed_twice_and_a_mismatch_is_asked_again(cli_env, typed, capsys):
    typed.extend([PASSWORD, PASSWORD + "!", PASSWORD, PASSWORD])
    assert main(["admin", "create", "--username", "kimit", "--name", "김전산"]) == 0
    captured = capsys.readouterr()
    assert cli_error("password_mismatch") in captured.err
    assert cli("admin_password_set", name="김전산", saeol_id="kimit") in captured.out
    assert signs_in("kimit", PASSWORD) and not signs_in("kimit", PASSWORD + "!")


def test_three_failed_tries_give_up_and_create_nobody(cli_env, typed, capsys):
    typed.extend(["short", PASSWORD, "something else entirely", PASSWORD, PASSWORD + "?"])
    assert main(["admin", "create", "--username", "kimit", "--name", "김전산"]) == 1
    err = capsys.readouterr().err
    assert cli_error("password_too_short", minimum=MIN_PASSWORD) in err
    assert err.count(cli_error("password_mismatch")) == 2
    assert cli_error("password_tries", tries=3) in err
    assert "Traceback" not in err
    assert staff_of("kimit") is None


def test_without_a_terminal_the_password_is_not_waited_for(cli_env, monkeypatch, capsys):
    def no_terminal(prompt: str = "") -> str:
        raise EOFError  # what getpass does with no terminal and an empty stdin

    monkeypatch.setattr("getpass.getpass", no_terminal)
    assert main(["admin", "create", "--username", "kimit", "--name", "김전산"]) == 1
    err = capsys.readouterr().err
    assert cli_error("password_no_terminal") in err and "Traceback" not in err
    assert staff_of("kimit") is None


@pytest.mark.parametrize(
    ("password", "key", "params"),
    [
        ("short", "password_too_short", {"minimum": MIN_PASSWORD}),
        ("", "password_too_short", {"minimum": MIN_PASSWORD}),
        ("aaaaaaaaaaaaaaa", "password_too_simple", {}),
        ("x1" * 101, "password_too_long", {"limit": 200}),
    ],
)
def test_a_weak_password_is_refused_with_the_catalog_text(cli_env, monkeypatch, capsys, password, key, params):
    piped(monkeypatch, password + "\n")
    assert main(["admin", "create", "--username", "kimit", "--name", "김전산", "--password-stdin"]) == 1
    assert cli_error(key, **params) in capsys.readouterr().err
    assert staff_of("kimit") is None


def test_an_existing_staff_member_becomes_an_admin_and_keeps_everything_else(cli_env, monkeypatch, capsys):
    args = "staff add --saeol-id hong01 --name 홍길동 --department 공동주택과 --new-department".split()
    assert main([*args, "--role", "housing.read"]) == 0
    capsys.readouterr()
    piped(monkeypatch, PASSWORD + "\n")
    assert main(["admin", "create", "--username", "hong01", "--password-stdin"]) == 0
    assert cli("admin_granted", name="홍길동", saeol_id="hong01", department="공동주택과") in capsys.readouterr().out
    member = staff_of("hong01")
    assert member.permissions == frozenset({"housing.read", "admin"})
    assert member.department == "공동주택과"

    async def audited(runtime: Runtime) -> list[str]:
        from sqlalchemy import select

        from storage.audit.models import AuditEntry

        async with runtime.uow() as uow:
            return list(await uow._session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))

    assert with_runtime(audited)[-2:] == ["role.grant", "admin.password"]
    assert signs_in("hong01", PASSWORD)


def test_an_existing_admin_only_gets_a_new_password(cli_env, monkeypatch, capsys):
    piped(monkeypatch, PASSWORD + "\n")
    main(["admin", "create", "--username", "kimit", "--name", "김전산", "--password-stdin"])
    capsys.readouterr()
    piped(monkeypatch, "another good password\n")
    assert main(["admin", "create", "--username", "kimit", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert cli("admin_password_set", name="김전산", saeol_id="kimit") in out
    assert cli("admin_created", name="김전산", saeol_id="kimit", department="전산정보과") not in out
    assert cli("admin_granted", name="김전산", saeol_id="kimit", department="전산정보과") not in out
    assert signs_in("kimit", "another good password") and not signs_in("kimit", PASSWORD)


def test_a_new_admin_needs_a_name_before_any_password_is_asked(cli_env, typed, capsys):
    assert main(["admin", "create", "--username", "kimit"]) == 1  # typed is empty: no prompt may come
    assert cli_error("admin_name_needed", saeol_id="kimit") in capsys.readouterr().err
    assert main(["admin", "create", "--username", "김전산", "--name", "김전산"]) == 1
    assert cli_error("invalid_saeol_id", detail="김전산") in capsys.readouterr().err


def test_a_suspended_staff_member_is_not_made_an_admin(cli_env, monkeypatch, capsys):
    main(["staff", "add", "--saeol-id", "hong01", "--name", "홍길동", "--department", "공동주택과", "--new-department"])

    async def suspend(runtime: Runtime) -> None:
        from sqlalchemy import update

        from storage.staff.models import Staff

        async with runtime.uow(write=True) as uow:
            await uow._session.execute(update(Staff).where(Staff.saeol_id == "hong01").values(active=False))
            await uow.commit()

    with_runtime(suspend)
    piped(monkeypatch, PASSWORD + "\n")
    assert main(["admin", "create", "--username", "hong01", "--password-stdin"]) == 1
    assert cli_error("staff_inactive", detail="hong01") in capsys.readouterr().err
    assert "admin" not in staff_of("hong01").permissions


def test_an_admin_changes_the_password(cli_env, monkeypatch, typed, capsys):
    piped(monkeypatch, PASSWORD + "\n")
    main(["admin", "create", "--username", "kimit", "--name", "김전산", "--password-stdin"])
    typed.extend(["a fresh passphrase", "a fresh passphrase"])
    assert main(["admin", "password", "--username", "kimit"]) == 0
    assert cli("admin_password_set", name="김전산", saeol_id="kimit") in capsys.readouterr().out
    assert signs_in("kimit", "a fresh passphrase") and not signs_in("kimit", PASSWORD)


def test_a_password_is_only_set_for_an_admin(cli_env, typed, capsys):
    main(["staff", "add", "--saeol-id", "hong01", "--name", "홍길동", "--department", "공동주택과", "--new-department"])
    capsys.readouterr()
    assert main(["admin", "password", "--username", "hong01"]) == 1
    assert cli_error("not_admin", saeol_id="hong01") in capsys.readouterr().err
    assert main(["admin", "password", "--username", "nobody"]) == 1
    assert cli_error("not_found", detail="nobody") in capsys.readouterr().err


# -- dongne admin serve -------------------------------------------------------------------------------------


def healthz(port: int) -> tuple[int, dict[str, Any]]:
    import json

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for_health(port: int, process: subprocess.Popen[str], within: float = 30.0) -> tuple[int, dict[str, Any]]:
    deadline = time.monotonic() + within
    while True:
        try:
            return healthz(port)
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the endpoint never answered: {process.communicate(timeout=5)}") from None
            time.sleep(0.1)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_admin_serve_answers_health_until_told_to_stop(cli_env, stop_signal):
    port = free_port()
    env = {**os.environ, "DONGNE_ADMIN_PORT": str(port), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "admin", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status, report = wait_for_health(port, process)
        assert status == 200
        assert report == {
            "status": "ok",
            "database": "ok",
            "schema": "ok",
            "admin_pages": "ok",
            "bot": "not_expected",
        }
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert cli("admin_serving", url=f"http://127.0.0.1:{port}/") in out
    assert cli("admin_stopped") in out
    assert "Traceback" not in err
    with pytest.raises(urllib.error.URLError):
        healthz(port)


def test_admin_serve_on_a_port_in_use_says_so_in_one_line(cli_env, monkeypatch, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("DONGNE_ADMIN_PORT", str(port))
        assert main(["admin", "serve"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == cli_error("admin_port_taken", host="127.0.0.1", port=port)


async def test_serving_alone_stops_cleanly_and_frees_the_port(database_url, clock):
    settings = Settings(_env_file=None, database_url=database_url, admin_port=0)  # type: ignore[call-arg]
    runtime = build_runtime(settings, clock=clock)
    try:
        server = serving.admin_server(runtime)
        assert await serving.start_admin(server, settings)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{server.port}/healthz") as response:
                assert response.status == 200 and (await response.json())["bot"] == "not_expected"
        await server.stop()
        with pytest.raises(aiohttp.ClientConnectionError):
            async with aiohttp.ClientSession() as http:
                await http.get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        await runtime.close()


# -- dongne run: the endpoint beside the bot ------------------------------------------------------------------


async def health_of(port: int, within: float = 10.0) -> tuple[int, dict[str, Any]]:
    """/healthz once the endpoint answers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    return response.status, await response.json()
            except aiohttp.ClientConnectionError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.05)


async def test_run_serves_the_endpoint_beside_the_bot_and_reports_when_the_bot_stops(bot_runtime, emulator):
    runtime, settings = bot_runtime, bot_runtime.settings
    await make_staff(runtime.services, telegram_id=1001)
    app = build_application(runtime, token=TOKEN, api_root=settings.telegram_api_url)
    stop = asyncio.Event()
    running = asyncio.create_task(serving.run_bot_with_admin(runtime, app, stop))
    status, report = await health_of(settings.admin_port)
    assert status == 200 and report["bot"] == "running" and report["status"] == "ok"

    # One event loop serves both: a staff member's message is answered while the endpoint serves.
    assert await emulator.user(1001, first_name="길동").send("/help")

    # The bot stops under the endpoint (as if its polling had died): the health check says so.
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    status, report = await health_of(settings.admin_port)
    assert status == 503 and report["bot"] == "stopped" and report["status"] == "failing"

    stop.set()
    assert await asyncio.wait_for(running, 20) == 0
    with pytest.raises(aiohttp.ClientConnectionError):
        await health_of(settings.admin_port, within=0)


async def test_run_with_the_admin_port_taken_stops_the_bot_and_says_why(bot_runtime, capsys):
    runtime, settings = bot_runtime, bot_runtime.settings
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", settings.admin_port))
        taken.listen()
        app = build_application(runtime, token=TOKEN, api_root=settings.telegram_api_url)
        assert await serving.run_bot_with_admin(runtime, app, asyncio.Event()) == 2
    assert not app.running
    captured = capsys.readouterr()
    assert captured.err.strip() == cli_error("admin_port_taken", host="127.0.0.1", port=settings.admin_port)
    assert cli("running", username="dongne_test_bot") not in captured.out
