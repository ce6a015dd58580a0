"""What benchmarks/scaling.py runs and watches: ``dongne`` commands as separate processes, started from this
checkout as an operator starts them, and the CPU time and database connections they use during a phase."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.harness import StepFailed

READY_TIMEOUT_S = 90.0


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process:
    """A ``dongne`` command from this checkout, as an operator starts it, with its log kept for a failure."""

    def __init__(self, name: str, command: Sequence[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.command = list(command)
        self.env = env
        self.port = int(env["DONGNE_ADMIN_PORT"])
        self.workdir = workdir / name
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        code = f"from bot.cli import main; raise SystemExit(main({self.command!r}))"
        with (self.workdir / "stderr.log").open("ab") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", code, env=self.env, cwd=self.workdir, stdout=stderr, stderr=stderr
            )

    async def wait_ready(self, session: aiohttp.ClientSession, *, bot: bool) -> None:
        """Until /healthz is 200 and, for ``dongne run``, its bot (with its dispatcher) runs."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is not None and self.process.returncode is not None:
                raise StepFailed(f"{self.name} exited with {self.process.returncode}: {self.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{self.port}/healthz") as answer:
                    health = await answer.json()
                    if answer.status == 200 and (not bot or health.get("bot") == "running"):
                        return
            await asyncio.sleep(0.2)
        raise StepFailed(f"{self.name} not ready within {READY_TIMEOUT_S:.0f} s: {self.log_tail()}")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def log_tail(self, characters: int = 2000) -> str:
        path = self.workdir / "stderr.log"
        return path.read_text(encoding="utf-8", errors="replace")[-characters:] if path.exists() else ""

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc; 0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Watch:
    """During a phase: the most connections the benchmark's database had open (idle pooled ones included, this
    watcher's own not), and the CPU time used by the Dongne processes, by the database's server processes
    and by this process (the clients, the fake UMS, the emulators)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.peak = 0
        self.cpu: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def watching(self, processes: Sequence[Process]) -> AsyncIterator[None]:
        self.peak = 0
        backends: dict[int, float] = {}  # server process -> its CPU time when first seen

        async def sample() -> None:
            async with self._engine.connect() as connection:
                while True:
                    pids = (
                        await connection.scalars(
                            text(
                                "SELECT pid FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                            )
                        )
                    ).all()
                    for pid in pids:
                        backends.setdefault(pid, cpu_seconds(pid))
                    self.peak = max(self.peak, len(pids))
                    await asyncio.sleep(0.2)

        ours = {p.process.pid: cpu_seconds(p.process.pid) for p in processes if p.process is not None and p.running}
        own = os.times()
        task = asyncio.create_task(sample())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            after = os.times()
            self.cpu = {
                "dongne": sum(cpu_seconds(pid) - before for pid, before in ours.items()),
                "postgresql": sum(max(0.0, cpu_seconds(pid) - before) for pid, before in backends.items()),
                "benchmark": after.user + after.system - own.user - own.system,
            }


def cpu_per(cpu: dict[str, float], units: int) -> dict[str, float]:
    """CPU milliseconds per unit of work (a send, a message), per kind of process."""
    return {f"cpu_ms_{kind}": 1000 * seconds / max(1, units) for kind, seconds in cpu.items()}


def cpu_text(row: dict[str, Any]) -> str:
    return ", ".join(f"{k.removeprefix('cpu_ms_')} {v:.2f}" for k, v in row.items() if k.startswith("cpu_ms_"))


def load_average() -> str:
    """The machine's load over the last minute, beside each figure: other work on it moves them."""
    with contextlib.suppress(OSError):
        return f"{os.getloadavg()[0]:.1f}"
    return "?"
