"""``dongne import housing``: the operator checks an office's workbook (--dry-run: every problem and what
would change), then loads it whole; a broken file or a wrong format is refused with what to do."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from bot.cli import main
from tests.bot.test_cli_export import audit_actions

HEADER_ROW = 4


def with_cell(path, sheet, row, header, value):
    book = load_workbook(BytesIO(path.read_bytes()))
    columns = [c.value for c in book[sheet][HEADER_ROW]]
    book[sheet].cell(HEADER_ROW + row, columns.index(header) + 1, value)
    book.save(path)


def test_the_operator_checks_then_loads_a_changed_ledger(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["demo-data"]) == 0
    assert main(["export", "housing", "대장.xlsx"]) == 0
    capsys.readouterr()

    assert main(["import", "housing", "대장.xlsx", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "단지: 추가 0건, 변경 0건, 유지 164건" in out and "입주자대표: 추가 0건, 변경 0건, 유지 563건" in out
    assert "문제가 없습니다" in out

    ledger = cli_env / "대장.xlsx"
    with_cell(ledger, "단지", 1, "비고", "엑셀에서 고침")
    with_cell(ledger, "입주자대표", 2, "생년월일", "1960.13.01")
    assert main(["import", "housing", "대장.xlsx", "--dry-run", "--report", "점검.xlsx"]) == 1
    out = capsys.readouterr().out
    assert "입주자대표 6행 [생년월일] '1960.13.01': 날짜를 알아볼 수 없습니다" in out
    assert "점검.xlsx에 저장했습니다" in out
    listed = load_workbook(BytesIO((cli_env / "점검.xlsx").read_bytes()))["문제"]
    assert any(row[:4] == ("입주자대표", 6, "생년월일", "1960.13.01") for row in listed.iter_rows(values_only=True))
    assert "문제가 1건 있어 이대로는 가져올 수 없습니다" in out
    assert main(["import", "housing", "대장.xlsx"]) == 1
    assert "아무것도 가져오지 않았습니다" in capsys.readouterr().out

    with_cell(ledger, "입주자대표", 2, "생년월일", "1960.12.01")
    assert main(["import", "housing", "대장.xlsx"]) == 0
    out = capsys.readouterr().out
    assert "단지: 추가 0건, 변경 1건, 유지 163건" in out and "가져왔습니다: 대장.xlsx" in out
    actions = [action for action, _ in audit_actions()]
    assert actions.count("housing.complex.edit") == 1 and actions.count("housing.import") == 1

    assert main(["import", "housing", "대장.xlsx"]) == 0
    assert "바꿀 내용이 없습니다" in capsys.readouterr().out


def test_a_file_of_the_wrong_kind_is_refused_with_how_to_save_it(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    (cli_env / "대장.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    capsys.readouterr()
    assert main(["import", "housing", "대장.xls"]) == 1
    assert "Excel 통합 문서(*.xlsx)" in capsys.readouterr().err
    assert main(["import", "housing", "없는파일.xlsx"]) == 1
    assert "파일을 읽지 못했습니다: 없는파일.xlsx" in capsys.readouterr().err


def test_a_whole_registry_over_the_row_limit_needs_the_operators_leave(cli_env, capsys, monkeypatch):
    from core import workbook_reading

    assert main(["db", "upgrade"]) == 0
    assert main(["demo-data"]) == 0
    assert main(["export", "housing", "대장.xlsx"]) == 0
    monkeypatch.setattr(workbook_reading, "MAX_ROWS", 100)  # the demo's 948 ledger rows stand for 200,000
    capsys.readouterr()
    assert main(["import", "housing", "대장.xlsx", "--dry-run"]) == 1
    assert "행이 100행을 넘습니다" in capsys.readouterr().err
    assert main(["import", "housing", "대장.xlsx", "--dry-run", "--max-rows", "1000"]) == 0
    assert "문제가 없습니다" in capsys.readouterr().out
