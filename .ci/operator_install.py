#!/usr/bin/env python3
"""Install Dongne as an operator does and use it: the editable installs of dev.py and the tests hide files that a
real install leaves out (issue 10: the admin pages had no templates).

A wheel is built from a copy of the checkout and installed, not editable, into a fresh virtualenv; every command
then runs from an empty folder, so nothing of the checkout can be imported. Against a throwaway PostgreSQL
database: ``dongne db upgrade``, ``dongne admin create --password-stdin``, ``dongne admin serve``, a sign-in
through the HTML form and the staff list. The database is dropped and the server stopped whatever happens.

    python3 .ci/operator_install.py     # PostgreSQL at 127.0.0.1:5432, user postgres (trust), as in CI

Only the standard library: it runs before and outside any virtualenv of the project."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", "5432", "postgres"
ADMIN, ADMIN_NAME, PASSWORD = "ciadmin", "김전산", "operator install check 10"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
# The server needs a few seconds to import and open its database; a minute means it will not come up.
SERVE_WITHIN = 60.0


class Failed(Exception):
    pass


def step(text: str) -> None:
    print(f"operator install: {text}", flush=True)


def ok(text: str) -> None:
    print(f"operator install:   ok: {text}", flush=True)


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    """Run one command; its output is shown only when it fails."""
    done = subprocess.run(command, cwd=cwd, env=env, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise Failed(f"{' '.join(command)} exited {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done.stdout + done.stderr


def psql(sql: str) -> None:
    run(
        ["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        cwd=ROOT,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_checkout(into: Path) -> None:
    """The files git would commit (tracked, and new ones not ignored): no .venv, build/ or egg-info comes along."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)


def install(work: Path) -> Path:
    step("building a wheel from the checkout and installing it (not editable) into a fresh virtualenv")
    source, dist, venv = work / "source", work / "dist", work / "venv"
    source.mkdir()
    copy_checkout(source)
    run([sys.executable, "-m", "venv", str(venv)], cwd=work)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "-q", "--disable-pip-version-check"]
    run([*pip, "wheel", "--no-deps", "-w", str(dist), str(source)], cwd=work)
    (wheel,) = dist.glob("dongne-*.whl")
    run([*pip, "install", str(wheel)], cwd=work)
    ok(f"installed {wheel.name}")
    return venv


def check_installed_copy(venv: Path, cwd: Path) -> None:
    where = run([str(venv / "bin" / "python"), "-c", "import bot; print(bot.__file__)"], cwd=cwd).strip()
    if not where.startswith(str(venv)):
        raise Failed(f"the package is imported from {where}, not from the installed copy in {venv}")
    ok(f"the program runs from the installed copy ({where})")


def request(opener: urllib.request.OpenerDirector, url: str, data: dict[str, str] | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def wait_for_health(base: str, server: subprocess.Popen[str]) -> dict[str, object]:
    opener = urllib.request.build_opener()
    deadline = time.monotonic() + SERVE_WITHIN
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Failed(f"dongne admin serve exited {server.returncode}:\n{server.communicate()[0][-4000:]}")
        try:
            status, text = request(opener, f"{base}/healthz")
        except OSError:
            time.sleep(0.3)
            continue
        report: dict[str, object] = json.loads(text)
        if status != 200:
            raise Failed(f"/healthz answered {status}: {report}")
        return report
    raise Failed(f"dongne admin serve did not answer /healthz within {SERVE_WITHIN:.0f} s")


def use_the_admin_pages(base: str) -> None:
    # No redirect is followed by itself here: the sign-in must answer 302 to /, as a browser sees it.
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    status, page = request(browser, f"{base}/sign-in")
    if status != 200 or not CSRF.search(page):
        raise Failed(f"GET /sign-in answered {status} without the sign-in form:\n{page[:2000]}")
    ok("GET /sign-in: 200 with the form and its CSRF token")

    token = CSRF.search(page)[1]  # type: ignore[index]
    status, page = request(browser, f"{base}/sign-in", {"csrf": token, "username": ADMIN, "password": PASSWORD})
    if status != 302 or "dongne_session" not in {cookie.name for cookie in jar}:
        raise Failed(f"POST /sign-in answered {status} without a session:\n{page[:2000]}")
    ok("POST /sign-in: 302 and a session cookie")

    status, page = request(browser, f"{base}/staff")
    if status != 200 or ADMIN not in page or ADMIN_NAME not in page:
        raise Failed(f"GET /staff answered {status} without {ADMIN} ({ADMIN_NAME}):\n{page[:2000]}")
    ok(f"GET /staff: 200, lists {ADMIN_NAME} ({ADMIN})")

    status, page = request(browser, f"{base}/no-such-page")
    if status != 404:
        raise Failed(f"GET /no-such-page answered {status}, not 404:\n{page[:2000]}")
    ok("GET /no-such-page: 404")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="dongne-operator-"))
    database = f"dongne_operator_{os.getpid()}"
    server: subprocess.Popen[str] | None = None
    created = False
    try:
        venv = install(work)
        here = work / "run"  # an empty folder: nothing of the checkout is importable from here
        here.mkdir()
        check_installed_copy(venv, here)
        dongne = str(venv / "bin" / "dongne")
        port = free_port()
        env = {name: value for name, value in os.environ.items() if not name.startswith("DONGNE_")}
        env |= {
            "DONGNE_DATABASE_URL": f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}",
            "DONGNE_DATA_DIR": str(work / "data"),
            "DONGNE_ADMIN_PORT": str(port),
            "DONGNE_BOT_USERNAME": "dongne_operator_bot",
        }

        step(f"creating the throwaway PostgreSQL database {database}")
        psql(f'CREATE DATABASE "{database}"')
        created = True

        step("dongne db upgrade")
        ok(run([dongne, "db", "upgrade"], cwd=here, env=env).strip())

        step(f"dongne admin create --username {ADMIN} --name {ADMIN_NAME} --password-stdin")
        said = run(
            [dongne, "admin", "create", "--username", ADMIN, "--name", ADMIN_NAME, "--password-stdin"],
            cwd=here,
            env=env,
            stdin=PASSWORD + "\n",
        )
        ok(said.strip().splitlines()[0])

        step(f"dongne admin serve on 127.0.0.1:{port}")
        server = subprocess.Popen(
            [dongne, "admin", "serve"], cwd=here, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        base = f"http://127.0.0.1:{port}"
        report = wait_for_health(base, server)
        ok(f"/healthz: 200 {report}")

        step("signing in through the form and opening the staff list")
        use_the_admin_pages(base)
    except (Failed, subprocess.CalledProcessError, OSError) as error:
        print(f"operator install: FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.communicate()
        if created:
            try:
                psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            except Failed as error:
                print(f"operator install: could not drop {database}: {error}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    step("passed: the installed wheel serves the admin pages on PostgreSQL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
