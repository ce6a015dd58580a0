"""The log's two forms (DONGNE_LOG_FORMAT): text with the update's fields at the end of the line, or one JSON
object per line, a traceback included."""

import io
import json
import logging

import pytest

from bot.logs import configure_logging, name_staff, update_context
from bot.settings import SettingsError, load_settings


@pytest.fixture
def stderr():
    """Where the process's log goes, and ``configure(level, form)`` as the CLI calls it in a new process (where
    the root logger has no handler yet; the test run's own capture is set aside meanwhile)."""
    stream = io.StringIO()
    root = logging.getLogger()
    set_aside: list[logging.Handler] = []
    level = root.level

    def configure(level: str, form: str) -> None:
        set_aside.extend(root.handlers)
        for handler in list(root.handlers):
            root.removeHandler(handler)
        configure_logging(level, form, stream)

    yield stream, configure
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in set_aside:
        root.addHandler(handler)
    root.setLevel(level)


def test_text_lines_end_with_the_update_the_staff_member_and_the_duration(stderr):
    stream, configure = stderr
    configure("info", "text")
    log = logging.getLogger("dongne.test")
    log.info("before any update")
    with update_context(812):
        log.info("gate passed")
        name_staff(17)
        log.info("handled command /complex", extra={"duration_ms": 4.2})
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("INFO dongne.test: before any update")
    assert lines[1].endswith("gate passed [update=812]")
    assert lines[2].endswith("handled command /complex [update=812 staff=17 ms=4.2]")


def test_json_lines_are_one_object_each_even_with_a_traceback(stderr):
    stream, configure = stderr
    configure("INFO", "json")
    log = logging.getLogger("dongne.test")
    with update_context(9):
        name_staff(3)
        try:
            raise ValueError("잘못된 값\n두 번째 줄")
        except ValueError:
            log.exception("단지 카드를 만들지 못했습니다")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["message"] == "단지 카드를 만들지 못했습니다"
    assert (entry["level"], entry["logger"], entry["update_id"], entry["staff_id"]) == ("ERROR", "dongne.test", 9, 3)
    assert "ValueError: 잘못된 값\n두 번째 줄" in entry["error"]
    assert entry["time"].endswith("+00:00")


def test_chatty_libraries_speak_only_of_problems(stderr):
    stream, configure = stderr
    configure("DEBUG", "text")
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot…/sendMessage")
    logging.getLogger("httpx").warning("retrying")
    assert "sendMessage" not in stream.getvalue() and "retrying" in stream.getvalue()


def test_an_unknown_log_format_or_level_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("DONGNE_LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="DONGNE_LOG_FORMAT"):
        load_settings(_env_file=None)
    monkeypatch.setenv("DONGNE_LOG_FORMAT", "json")
    monkeypatch.setenv("DONGNE_LOG_LEVEL", "loud")
    with pytest.raises(SettingsError, match="DONGNE_LOG_LEVEL"):
        load_settings(_env_file=None)
