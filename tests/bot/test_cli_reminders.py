"""``dongne reminders``: an IT admin previews today's reminders to the housing staff, or queues them at once."""

from bot.cli import main
from core.texts.i18n import t_plain


def _keeper(*extra: str) -> list[str]:
    return [
        "staff", "add", "--saeol-id", "keep01", "--name", "김담당", "--department", "공동주택과", "--new-department",
        "--role", "housing.read", "--role", "housing.write", *extra,
    ]  # fmt: skip


def test_the_reminders_are_previewed_then_queued_once_a_day(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["demo-data"]) == 0
    assert main(_keeper("--telegram-id", "777")) == 0
    capsys.readouterr()
    assert main(["reminders", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(t_plain("ko", "cli.reminders_member", name="김담당", saeol_id="keep01"))
    assert "🔔 공동주택 담당 알림" in out and "관리소장" in out and "<b>" not in out
    assert main(["reminders"]) == 0
    assert capsys.readouterr().out.strip() == t_plain("ko", "cli.reminders_queued", count=1)
    assert main(["reminders"]) == 0
    assert capsys.readouterr().out.strip() == t_plain("ko", "cli.reminders_already")


def test_with_nobody_to_tell_the_preview_says_so(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(_keeper()) == 0  # not bound to Telegram: cannot be told
    capsys.readouterr()
    assert main(["reminders", "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == t_plain("ko", "cli.reminders_nothing")
