"""``dongne demo-data`` on a training installation: after the README's own example staff it loads, and into a
database that is not empty it refuses in one line that says so (issue 10)."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

from bot.cli import main
from bot.demo_data.benchmark import build_demo_benchmark
from core.clock import Clock
from core.texts.i18n import t_plain

README = Path(__file__).resolve().parents[2] / "README.md"
PASSWORD = "correct horse battery"


def readme_commands() -> list[list[str]]:
    """The ``dongne staff add`` and ``dongne admin create`` lines of the README's "Running it for real"."""
    section = README.read_text().split("## Running it for real", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"^\s*\.venv/bin/dongne ((?:staff add|admin create) .+)$", section, flags=re.M)
    return [shlex.split(line) for line in found]


def test_demo_data_loads_after_the_readme_example_staff_and_refuses_a_second_time(cli_env, monkeypatch, capsys):
    assert main(["db", "upgrade"]) == 0
    commands = readme_commands()
    assert [c[:2] for c in commands].count(["staff", "add"]) >= 3 and ["admin", "create"] in [c[:2] for c in commands]
    for command in commands:
        if command[:2] == ["admin", "create"]:
            monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
            command = [*command, "--password-stdin"]
        assert main(command) == 0, command
    capsys.readouterr()

    assert main(["demo-data"]) == 0
    assert "데모 자료를 넣었습니다" in capsys.readouterr().out

    assert main(["demo-data"]) == 2
    err = capsys.readouterr().err
    assert err == t_plain("ko", "cli_error.database_not_empty") + "\n"


def test_demo_data_over_staff_holding_the_demo_saeol_ids_says_the_database_is_not_empty(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    clock = Clock()
    demo_staff = build_demo_benchmark(until=clock.now(), zone=clock.zone).staff
    taken = demo_staff[0]
    add = ["staff", "add", "--saeol-id", taken.saeol_id, "--name", taken.name, "--department", taken.department]
    assert main([*add, "--new-department"]) == 0
    capsys.readouterr()

    assert main(["demo-data"]) == 2
    err = capsys.readouterr().err
    assert err == t_plain("ko", "cli_error.demo_staff_taken", saeol_ids=taken.saeol_id) + "\n"
