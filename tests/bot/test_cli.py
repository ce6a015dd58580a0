"""The command line an IT admin uses: schema, staff and link codes."""

import pytest

from bot.cli import main
from core.texts.i18n import t_plain


def test_an_admin_sets_up_the_database_and_adds_a_staff_member(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert (cli_env / "data" / "dongne.sqlite3").exists()
    assert (
        main(
            [
                "staff",
                "add",
                "--saeol-id",
                "hong01",
                "--name",
                "홍길동",
                "--department",
                "공동주택과",
                "--new-department",
                "--role",
                "housing.read",
                "--role",
                "pii.view",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert t_plain("ko", "cli.staff_added", name="홍길동", saeol_id="hong01", roles="housing.read, pii.view") in out
    code = next(line.split(": ")[1].split(" ")[0] for line in out.splitlines() if line.startswith("일회용 연결 코드"))
    assert f"https://t.me/dongne_office_bot?start={code}" in out
    assert main(["staff", "link-code", "--saeol-id", "hong01"]) == 0
    assert "https://t.me/dongne_office_bot?start=" in capsys.readouterr().out


def test_binding_directly_by_telegram_id(cli_env, capsys):
    main(["db", "upgrade"])
    assert (
        main(
            [
                "staff",
                "add",
                "--saeol-id",
                "lee02",
                "--name",
                "이순신",
                "--department",
                "기획예산과",
                "--new-department",
                "--role",
                "benchmark.coordinate",
                "--telegram-id",
                "777",
            ]
        )
        == 0
    )
    assert t_plain("ko", "cli.staff_bound", telegram_id=777) in capsys.readouterr().out


def test_mistakes_are_explained_and_change_nothing(cli_env, capsys):
    main(["db", "upgrade"])
    args = "staff add --saeol-id hong01 --name 홍길동 --department 공동주택과 --new-department".split()
    assert main([*args, "--role", "housing.reed"]) == 1
    assert "알 수 없는 권한입니다: housing.reed" in capsys.readouterr().err
    assert main(args) == 0
    assert main(args) == 1
    assert "이미 등록된 새올 아이디입니다: hong01" in capsys.readouterr().err
    assert main(["staff", "link-code", "--saeol-id", "nobody"]) == 1


def test_commands_refuse_an_outdated_schema(cli_env, capsys):
    assert main(["staff", "link-code", "--saeol-id", "hong01"]) == 2
    assert t_plain("ko", "cli.schema_outdated") in capsys.readouterr().out


def test_running_without_a_token_says_which_setting_is_missing(cli_env, capsys):
    main(["db", "upgrade"])
    assert main(["run"]) == 2
    assert "DONGNE_BOT_TOKEN" in capsys.readouterr().err


def test_a_malformed_setting_stops_start_up_with_one_line(cli_env, capsys, monkeypatch):
    monkeypatch.setenv("DONGNE_TIMEZONE", "Nowhere/Land")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("dongne: DONGNE_TIMEZONE is invalid") and "\n" not in err


def test_an_unknown_department_is_refused_with_the_close_matches(cli_env, capsys):
    main(["db", "upgrade"])
    for saeol_id, department in (("kim01", "공동주택과"), ("lee01", "공동주택지원과"), ("park01", "총무과")):
        args = ["staff", "add", "--saeol-id", saeol_id, "--name", "김동네", "--department", department]
        assert main([*args, "--new-department"]) == 0
    capsys.readouterr()

    typo = ["staff", "add", "--saeol-id", "choi01", "--name", "최동네", "--department", "공동주텍과"]
    assert main(typo) == 1
    near = t_plain("ko", "cli_error.unknown_department", department="공동주텍과", near="공동주택과, 공동주택지원과")
    assert capsys.readouterr().err.strip() == near
    unlike = ["staff", "add", "--saeol-id", "choi01", "--name", "최동네", "--department", "없는과"]
    assert main(unlike) == 1
    nothing_near = t_plain("ko", "cli_error.unknown_department_unlike_any", department="없는과")
    assert capsys.readouterr().err.strip() == nothing_near
    # Nothing was created: the member, and the department, come only with --new-department.
    assert main(["staff", "link-code", "--saeol-id", "choi01"]) == 1
    assert main(unlike) == 1
    capsys.readouterr()
    assert main([*unlike, "--new-department"]) == 0
    assert t_plain("ko", "cli.staff_added", name="최동네", saeol_id="choi01", roles="-") in capsys.readouterr().out
    # A known department needs no flag, written with stray spaces or not.
    known = ["staff", "add", "--saeol-id", "jung01", "--name", "정동네", "--department", " 없는과 "]
    assert main(known) == 0


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["staff", "add", "--saeol-id", "hong01", "--name", "홍\x00길동", "--department", "공동주택과"], "--name"),
        (
            ["staff", "add", "--saeol-id", "hong01", "--name", "홍길동", "--department", "공동\x1b주택과"],
            "--department",
        ),
        (
            ["staff", "add", "--saeol-id", "hong01", "--name", "홍길동", "--department", "과", "--role", "a\x00"],
            "--role",
        ),
        # Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape).
        (["staff", "add", "--saeol-id", "hong01", "--name", "홍\udcff", "--department", "공동주택과"], "--name"),
        (["admin", "create", "--username", "kim\x00it", "--name", "김전산"], "--username"),
    ],
)
def test_an_argument_with_a_control_character_is_refused_in_one_line(cli_env, capsys, argv, option):
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err == t_plain("ko", "cli_error.unsafe_text", option=option) + "\n"
    assert main(["staff", "link-code", "--saeol-id", "hong01"]) != 0  # nobody was added
