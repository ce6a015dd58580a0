"""What the daily reminder says, from what core queued."""

from conversations.housing.reminders import render_reminders
from core.notifications.values import Notice
from core.texts.i18n import t
from tests.builders import NOW


def _notice(payload, language="ko"):
    return Notice(
        id=1, recipient_id=1, telegram_user_id=1, language=language, recipient_active=True,
        kind="housing_reminders", case_id=None, payload=payload, attempts=0, created_at=NOW,
    )  # fmt: skip


def test_each_section_has_its_heading_lines_and_a_count_of_the_rest():
    term = {"complex": "왕도<단지>", "position": "회장", "name": "김대표", "term_end": "2026.12.05", "days": "10"}
    text, keyboard = render_reminders(
        _notice(
            {
                "day": "2026-11-25",
                "sections": [
                    {"key": "terms_ending", "items": [term], "total": 3},
                    {"key": "unlicensed_managers", "items": [{"complex": "성수단지", "manager": "이소장"}], "total": 1},
                    {"key": "from_a_newer_version", "items": [{"x": "y"}], "total": 1},
                ],
            }
        )
    )
    assert keyboard is None
    assert text.split("\n") == [
        t("ko", "reminder.title", day="2026.11.25"),
        "",
        t("ko", "reminder.terms_ending.heading", count=3),
        t("ko", "reminder.terms_ending.line", **term),
        t("ko", "reminder.more", count=2),
        "",
        t("ko", "reminder.unlicensed_managers.heading", count=1),
        t("ko", "reminder.unlicensed_managers.line", complex="성수단지", manager="이소장"),
        "",
        t("ko", "reminder.footer"),
    ]
    assert "왕도&lt;단지&gt;" in text  # a name is shown as written, not as markup


def test_the_reminder_speaks_the_members_language():
    text, _ = render_reminders(_notice({"day": "2026-11-25", "sections": []}, language="en"))
    assert text.startswith("🔔 <b>Housing ledger reminders</b> (2026.11.25)")


def test_overdue_complaints_read_as_the_office_writes_them():
    overdue = {"complex": "왕도단지", "received_on": "2026.10.26", "days": "30", "assignee": "김담당"}
    text, _ = render_reminders(
        _notice({"day": "2026-11-25", "sections": [{"key": "complaints_overdue", "items": [overdue], "total": 1}]})
    )
    assert "📮 <b>14일 넘게 처리 중인 민원</b> 1건\n• 왕도단지 · 2026.10.26 접수 (30일째) · 담당 김담당" in text
