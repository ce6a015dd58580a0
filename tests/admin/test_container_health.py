"""The container's HEALTHCHECK (the Dockerfile's command, run as docker runs it) against the real endpoint:
healthy while /healthz answers 200, unhealthy on a 503 or when nothing answers."""

from __future__ import annotations

import asyncio
import os
import sys
from urllib.parse import urlsplit

from tests.bot.conftest import free_port
from tests.bot.test_deployment import healthcheck_command


async def health_exit_status(port: int) -> int:
    command = healthcheck_command()
    assert command[0] == "python"
    env = {**os.environ, "DONGNE_ADMIN_PORT": str(port)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command[1:], env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    return await asyncio.wait_for(process.wait(), 30)


async def test_a_healthy_endpoint_passes_the_container_health_check(admin_site):
    assert await health_exit_status(urlsplit(admin_site).port or 0) == 0


async def test_an_outdated_schema_fails_the_container_health_check(admin_site, monkeypatch):
    async def outdated(engine):
        return False

    monkeypatch.setattr("bot.admin.health.is_up_to_date", outdated)
    assert await health_exit_status(urlsplit(admin_site).port or 0) != 0


async def test_an_endpoint_that_does_not_answer_fails_the_container_health_check():
    assert await health_exit_status(free_port()) != 0
