"""A kind of button builds its data and parses it back; anything else, forged or too long, is refused."""

import re

import pytest

from conversations.benchmark import buttons as benchmark_buttons
from conversations.buttons import MAX_CALLBACK_BYTES, ButtonData, number, one_of, page, text, token, which
from conversations.housing import lookup
from conversations.sms import buttons as sms_buttons

OPEN = ButtonData("cx:open", number("complex_id"))
SECTION = ButtonData("cx:sec", number("complex_id"), one_of("section", ("groups", "office")), page())
SEARCH = ButtonData("cx:q", page(), token("search"))


def test_data_round_trips_through_its_kind():
    assert OPEN(12) == "cx:open:12"
    assert OPEN.parse("cx:open:12") == (12,)
    assert SECTION(7, "office", 0) == "cx:sec:7:office:0"
    assert SECTION.parse(SECTION(7, "office", 3)) == (7, "office", 3)
    assert SEARCH.parse(SEARCH(-1, "0a1b2c3d")) == (-1, "0a1b2c3d")  # a pager's step before the first page
    assert ButtonData("bl:back")() == "bl:back" and ButtonData("bl:back").parse("bl:back") == ()


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "cx:open",
        "cx:open:",
        "cx:open:x",
        "cx:open:12:3",
        "cx:open:1234567890",  # more digits than an id has
        "cx:open:12\n",
        " cx:open:12",
        "cx:opened:12",
        "cx:card:12",
    ],
)
def test_forged_or_other_data_parses_to_nothing(data):
    assert OPEN.parse(data) is None


def test_a_choice_outside_the_offered_ones_is_refused_both_ways():
    assert SECTION.parse("cx:sec:7:secrets:0") is None
    assert SEARCH.parse("cx:q:0:0A1B2C3D") is None
    with pytest.raises(ValueError):
        SECTION(7, "secrets", 0)
    with pytest.raises(ValueError):
        OPEN("12;drop")
    with pytest.raises(TypeError):
        OPEN(1, 2)


def test_data_over_telegrams_64_bytes_is_never_built():
    long = ButtonData("xx:long", text("name", r"\w{1,80}"))
    assert len(long("a" * (MAX_CALLBACK_BYTES - len("xx:long:"))).encode()) == MAX_CALLBACK_BYTES
    with pytest.raises(ValueError, match="64 bytes"):
        long("a" * (MAX_CALLBACK_BYTES - len("xx:long:") + 1))
    with pytest.raises(ValueError, match="64 bytes"):
        ButtonData("xx:ko", text("name", r"\w{1,40}"))("가" * 20)  # 60 bytes of Hangul, 66 in all


def test_which_names_the_kind_and_its_values():
    kinds = (OPEN, SECTION, SEARCH)
    assert which("cx:sec:7:groups:2", kinds) == (SECTION, (7, "groups", 2))
    assert which("cx:open:x", kinds) is None
    assert which(None, kinds) is None


def test_the_handler_pattern_takes_every_press_of_the_kind_and_no_other():
    pattern = re.compile(OPEN.pattern)
    assert pattern.match("cx:open:12") and pattern.match("cx:open:x") and pattern.match("cx:open")
    assert not pattern.match("cx:opened:12") and not pattern.match("cx:card:12")


def test_the_shipped_buttons_build_todays_data():
    """Keyboards already sent (and kept by persistence) carry this data: it must not change."""
    assert benchmark_buttons.REVIEW(5, 3) == "br:rv:5:3"
    assert benchmark_buttons.APPROVE(5, 2) == "ap:ok:5:2"
    assert benchmark_buttons.ATTACH(5, 3) == "bc:att:5:3"
    assert lookup.SECTION(9, "office", 0) == "cx:sec:9:office:0"
    assert lookup.RESULTS(1, "0a1b2c3d") == "cx:q:1:0a1b2c3d"
    assert sms_buttons.AT("20261126", 9, 30) == "sm:at:20261126:9:30"
    assert sms_buttons.FAILED(4, 0, "f") == "sr:b:4:0:f"
    assert sms_buttons.FAILED.parse("sr:b:4:0") is None and sms_buttons.BATCH.parse("sr:b:4:0") == (4, 0)
    assert sms_buttons.POSITION("*") == "sm:p:*" and sms_buttons.SEND("0a1b2c3d") == "sm:go:0a1b2c3d"
