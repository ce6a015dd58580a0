"""``dongne import community``: the operator fills the village community's template with the office's
organisations and grant projects, checks it (--dry-run: every problem, and what would change), then loads it
whole; the same file again changes nothing, and a changed cell is one change, audited."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from bot.cli import main
from tests.bot.test_cli_export import audit_actions

HEADER_ROW = 4
ORGANIZATIONS = [
    {
        "분야": "소통공간",
        "유형": "비영리민간단체",
        "단체(기관)명": "금옥마을",
        "관할동": "금호2.3가동",
        "세부주소": "매봉18길 11",
        "대표자": "고은정",
        "휴대번호": "01022861234",
        "사업년도": 2015,
        "회원수": 10,
        "대지(㎡)": 175,
        "연면적(㎡)": 221.55,
        "규모": "지하1/지상2",
        "주요시설": "도서관,강의실",
        "소유권": "성동구",
    },
    {
        "분야": "소셜벤처",
        "유형": "사회적경제",
        "단체(기관)명": "뚝섬 새싹 협동조합",
        "관할동": "성수1가제2동",
        "설립일자": "2012.05.01",
        "대표자": "박성수",
        "휴대번호": "010-3333-4444",
        "사업년도": 2015,
    },
]
PROJECTS = [
    {"사업구분": "서울시", "년도": 2015, "활동지역": "하왕십리동", "공모분야": "다문화마을공동체",
     "사업명": "가족의 탄생 2기", "대표자": "박경일", "휴대번호": "010-5512-3344", "회원수": 18,
     "시비(천원)": 4570, "구비(천원)": "없음", "자부담(천원)": 0},
    {"사업구분": "공동주택", "년도": 2016, "사업명": "쉐르빌 이웃 만들기", "구비(천원)": 1200,
     "단지명": "성동삼성쉐르빌(주상복합)", "단지 행정동": "왕십리도선동"},
]  # fmt: skip


def fill(path, sheet, rows, start=1):
    book = load_workbook(BytesIO(path.read_bytes()))
    headers = [c.value for c in book[sheet][HEADER_ROW]]
    for offset, row in enumerate(rows):
        for header, value in row.items():
            book[sheet].cell(HEADER_ROW + start + offset, headers.index(header) + 1, value)
    book.save(path)


def test_the_operator_fills_the_template_checks_it_and_loads_it_once(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["demo-data"]) == 0
    assert main(["export", "template", "community", "양식.xlsx"]) == 0
    assert "마을공동체 양식을 양식.xlsx에 저장했습니다" in capsys.readouterr().out
    template = load_workbook(BytesIO((cli_env / "양식.xlsx").read_bytes()))
    assert template.sheetnames[:3] == ["목록", "단체(기관)", "지원사업"]
    headers = [c.value for c in template["단체(기관)"][HEADER_ROW]]
    assert headers[:5] == ["분야", "유형", "단체(기관)명", "설립일자", "관할동"] and "연면적(㎡)" in headers

    book = cli_env / "양식.xlsx"
    fill(book, "단체(기관)", ORGANIZATIONS)
    fill(book, "지원사업", PROJECTS)
    assert main(["import", "community", "양식.xlsx", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "단체(기관): 추가 1건, 변경 1건, 유지 0건" in out  # the demo district has 금옥마을 already
    assert "지원사업: 추가 2건, 변경 0건, 유지 0건" in out and "문제가 없습니다" in out

    assert main(["import", "community", "양식.xlsx"]) == 0
    assert "가져왔습니다: 양식.xlsx" in capsys.readouterr().out
    actions = [action for action, _ in audit_actions()]
    assert actions.count("community.grant.add") >= 2 and actions.count("community.import") == 1
    assert actions.count("community.organization.edit") == 1
    assert main(["import", "community", "양식.xlsx"]) == 0
    assert "바꿀 내용이 없습니다" in capsys.readouterr().out

    fill(book, "지원사업", [{"자부담(천원)": 300}], start=2)
    assert main(["import", "community", "양식.xlsx", "--dry-run"]) == 0
    assert "지원사업: 추가 0건, 변경 1건, 유지 1건" in capsys.readouterr().out


def test_bad_rows_are_reported_by_sheet_row_and_column_and_nothing_is_loaded(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["demo-data"]) == 0
    assert main(["export", "template", "community", "양식.xlsx"]) == 0
    book = cli_env / "양식.xlsx"
    bad = [
        {**ORGANIZATIONS[1], "단체(기관)명": "미래 단체", "설립일자": "2999.01.01"},
        {**ORGANIZATIONS[1], "단체(기관)명": "이상한 유형", "유형": "재단"},
        {**ORGANIZATIONS[1], "단체(기관)명": "없는 동", "관할동": "서울숲동"},
        ORGANIZATIONS[1],
        ORGANIZATIONS[1],
    ]
    fill(book, "단체(기관)", bad)
    fill(book, "지원사업", [{**PROJECTS[0], "시비(천원)": "4570.5"}, {**PROJECTS[1], "단지명": "없는아파트"}])
    capsys.readouterr()
    assert main(["import", "community", "양식.xlsx", "--report", "점검.xlsx"]) == 1
    out = capsys.readouterr().out
    assert "단체(기관) 5행 [설립일자] '2999.01.01'" in out
    assert "단체(기관) 6행 [유형] '재단': 목록에 있는 값이 아닙니다" in out
    assert "단체(기관) 7행 [관할동] '서울숲동'" in out
    assert "단체(기관) 9행" in out and "중복" in out
    assert "지원사업 5행 [시비(천원)] '4570.5'" in out
    assert "지원사업 6행 [단지명]" in out and "대장에 없는 단지입니다" in out
    assert "아무것도 가져오지 않았습니다" in out
    assert "community.organization.add" not in [action for action, _ in audit_actions()][-3:]
    listed = load_workbook(BytesIO((cli_env / "점검.xlsx").read_bytes()))["문제"]
    assert any(row[:3] == ("단체(기관)", 6, "유형") for row in listed.iter_rows(values_only=True))

    (cli_env / "옛.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert main(["import", "community", "옛.xls"]) == 1
    assert ".xlsx" in capsys.readouterr().err


def test_the_exported_community_comes_back_unchanged(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["demo-data"]) == 0
    assert main(["export", "community", "마을공동체.xlsx"]) == 0
    out = capsys.readouterr().out
    assert "마을공동체 단체(기관)와 지원사업을 마을공동체.xlsx에 저장했습니다" in out
    assert main(["import", "community", "마을공동체.xlsx", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "단체(기관): 추가 0건, 변경 0건, 유지 81건" in out and "지원사업: 추가 0건, 변경 0건, 유지 85건" in out
    # 166 rows stand for a whole district's over the limit: the operator's leave lifts it.
    assert main(["import", "community", "마을공동체.xlsx", "--dry-run", "--max-rows", "100"]) == 1
    assert "행이 100행을 넘습니다" in capsys.readouterr().err
    assert main(["import", "community", "마을공동체.xlsx", "--dry-run", "--max-rows", "166"]) == 0
    assert ("pii.view", "community") in [(a, t) for a, t in audit_actions()] or "pii.view" in [
        a for a, _ in audit_actions()
    ]
