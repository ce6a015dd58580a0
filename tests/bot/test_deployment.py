"""The deployment files an office installs from (Dockerfile, compose.yaml, .env.example, deploy/dongne.service)
keep what docs/operations.md promises of them: an unprivileged process from the installed wheel, its schema
brought up to date before it starts, its health asked of /healthz, its settings all listed and none secret."""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD")
GRACEFUL_STOP_SECONDS = 10  # what SIGTERM may take (issue 18); the deployment waits longer before it kills


@dataclass(frozen=True)
class Instruction:
    keyword: str
    argument: str


def dockerfile_instructions() -> list[Instruction]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, argument = line.partition(" ")
            found.append(Instruction(keyword.upper(), " ".join(argument.split())))
    return found


def dockerfile_stages() -> list[list[Instruction]]:
    """The instructions per stage, each beginning with its FROM."""
    stages: list[list[Instruction]] = []
    for instruction in dockerfile_instructions():
        if instruction.keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def base_image(stage: list[Instruction]) -> str:
    """The stage's base image, with a global ARG (declared before the first FROM) filled in."""
    defaults = {}
    for instruction in dockerfile_instructions():
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG" and "=" in instruction.argument:
            name, value = instruction.argument.split("=", 1)
            defaults[name] = value
    image = arguments(stage, "FROM")[0].split()[0]
    return re.sub(r"\$\{(\w+)\}", lambda m: defaults[m[1]], image)


def arguments(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.argument for i in stage if i.keyword == keyword]


def image_env(stage: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for argument in arguments(stage, "ENV"):
        env.update(part.split("=", 1) for part in shlex.split(argument))  # type: ignore[arg-type]
    return env


def healthcheck_command() -> list[str]:
    (argument,) = arguments(dockerfile_stages()[-1], "HEALTHCHECK")
    command: list[str] = json.loads(argument[argument.index("CMD ") + len("CMD ") :])
    return command


def test_the_image_is_built_in_two_stages_and_installs_the_wheel_not_the_checkout():
    build, final = dockerfile_stages()[0], dockerfile_stages()[-1]
    assert len(dockerfile_stages()) >= 2
    assert any("pip wheel" in run and "--no-deps" in run for run in arguments(build, "RUN"))
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", base_image(final))
    installs = [run for run in arguments(final, "RUN") if "pip install" in run]
    assert installs and all(".whl" in run for run in installs)
    assert not any("-e " in run or "--editable" in run for run in installs)
    assert any(i.argument.startswith("--from=") for i in final if i.keyword == "COPY")
    # Only the wheel crosses over: the final stage copies nothing from the build context.
    assert all(i.argument.startswith("--from=") for i in final if i.keyword == "COPY")


def test_the_process_runs_unprivileged_with_its_data_directory_as_a_volume():
    final = dockerfile_stages()[-1]
    keywords = [i.keyword for i in final]
    (user,) = arguments(final, "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")
    env = image_env(final)
    assert env["DONGNE_ADMIN_HOST"] == "0.0.0.0"  # or the published port would reach nothing
    assert json.loads(arguments(final, "VOLUME")[0]) == [env["DONGNE_DATA_DIR"]]
    assert json.loads(arguments(final, "CMD")[0]) == ["dongne", "run"]


def test_the_health_check_asks_healthz_with_python_alone():
    command = healthcheck_command()
    assert command[0] == "python"  # slim has no curl
    assert "/healthz" in command[-1] and "urllib.request" in command[-1]


def test_the_build_context_holds_what_the_image_copies_and_nothing_else():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*"
    allowed = {p.removeprefix("!").rstrip("/") for p in patterns if p.startswith("!")}
    copied = {
        source.rstrip("/").removeprefix("./")
        for stage in dockerfile_stages()
        for argument in arguments(stage, "COPY")
        if not argument.startswith("--from=")
        for source in argument.split()[:-1]
    }
    assert copied == allowed
    assert {"**/.env", "**/*.sqlite3"} <= set(patterns)


@pytest.fixture
def compose() -> dict:
    loaded: dict = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_compose_starts_the_bot_only_after_a_healthy_database_and_the_schema_upgrade(compose):
    services = compose["services"]
    assert services["db"]["healthcheck"]["test"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["db"]["volumes"])
    assert services["migrate"]["command"] == ["dongne", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"
    assert services["bot"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["bot"]["command"] == ["dongne", "run"]


def test_compose_keeps_the_data_directory_and_the_settings_outside_the_container(compose):
    services, final = compose["services"], dockerfile_stages()[-1]
    data_dir = image_env(final)["DONGNE_DATA_DIR"]
    assert f"data:{data_dir}" in services["bot"]["volumes"] and "data" in compose["volumes"]
    for name in ("migrate", "bot"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["image"] == services["bot"]["image"]
        url = services[name]["environment"]["DONGNE_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://") and "@db:5432/" in url
    assert all(port.startswith("127.0.0.1:") for port in services["bot"]["ports"])
    assert int(services["bot"]["stop_grace_period"].removesuffix("s")) > GRACEFUL_STOP_SECONDS


def test_compose_holds_no_secret(compose):
    for service in compose["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in SECRET_WORDS):
                assert str(value).startswith("${"), key
        url = (service.get("environment") or {}).get("DONGNE_DATABASE_URL", "")
        assert not url or re.search(r":\$\{POSTGRES_PASSWORD[^}]*\}@", url), url


def env_example() -> dict[str, str]:
    """Every KEY=value of .env.example, commented out or not, with whether it was commented."""
    found: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"(# )?([A-Z][A-Z0-9_]*)=(\S*)", line)
        if match:
            found[match[2]] = match[3]
    return found


def test_the_env_example_documents_every_setting_and_no_other():
    documented = {key for key in env_example() if key.startswith("DONGNE_")}
    settings = {"DONGNE_" + name.upper() for name in Settings.model_fields}
    assert documented == settings, (
        f"missing from .env.example: {sorted(settings - documented)}; not settings: {sorted(documented - settings)}"
    )


def test_the_env_example_holds_no_secret_and_every_value_it_shows_is_accepted(monkeypatch):
    values = env_example()
    for key, value in values.items():
        if any(word in key for word in SECRET_WORDS):
            assert value == "", key
    for name in [n for n in list(os.environ) if n.startswith("DONGNE_")]:
        monkeypatch.delenv(name)
    for key, value in values.items():
        if key.startswith("DONGNE_") and value:
            monkeypatch.setenv(key, value)
    settings = load_settings(_env_file=None)
    assert settings.timezone == values["DONGNE_TIMEZONE"]
    assert settings.admin_port == int(values["DONGNE_ADMIN_PORT"])


def test_compose_reads_only_variables_the_env_example_names(compose):
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    assert used <= set(env_example()), used - set(env_example())


@pytest.fixture
def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "deploy" / "dongne.service", encoding="utf-8")
    return parser


def test_the_unit_upgrades_the_schema_before_it_runs_the_bot_as_its_own_user(unit):
    service = unit["Service"]
    assert service["User"] not in ("root", "0") and service["Group"] == service["User"]
    binary = service["ExecStart"].split()[0]
    assert service["ExecStart"] == f"{binary} run"
    assert service["ExecStartPre"] == f"{binary} db upgrade"
    assert service["EnvironmentFile"].startswith("/etc/")
    assert service["Restart"] == "on-failure"
    stop = int(service["TimeoutStopSec"].removesuffix("s"))
    assert GRACEFUL_STOP_SECONDS < stop <= 60


def test_the_unit_writes_only_its_data_directory(unit):
    service = unit["Service"]
    data_dir = service["Environment"].removeprefix("DONGNE_DATA_DIR=")
    assert service["WorkingDirectory"] == data_dir == "/var/lib/" + service["StateDirectory"]
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"].split() == [data_dir]
    for option in ("NoNewPrivileges", "PrivateTmp", "ProtectHome", "PrivateDevices"):
        assert service[option] == "yes", option
    assert service["CapabilityBoundingSet"] == ""


def test_systemd_accepts_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    dongne = shutil.which("dongne") or str(Path(sys.executable).with_name("dongne"))
    if not Path(dongne).exists():
        pytest.skip("no dongne command installed beside this Python")
    environment = tmp_path / "dongne.env"
    environment.write_text("DONGNE_BOT_TOKEN=\n", encoding="utf-8")
    text = (ROOT / "deploy" / "dongne.service").read_text(encoding="utf-8")
    # The unit's own paths, pointed at this machine's install: verify checks that the commands exist.
    text = text.replace("/opt/dongne/venv/bin/dongne", dongne).replace("/etc/dongne/dongne.env", str(environment))
    (tmp_path / "dongne.service").write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [analyze, "verify", "--man=no", str(tmp_path / "dongne.service")], capture_output=True, text=True
    )
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr
