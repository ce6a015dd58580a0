"""SMS rules without a database: type by EUC-KR bytes, Korean mobiles, duplicates, schedules."""

from datetime import UTC, datetime, timedelta

import pytest

from core.clock import FixedClock
from core.errors import InvalidInput
from core.sms.recipients import build_recipient_list, korean_mobile
from core.sms.schedule import at_night, check_schedule
from core.sms.text import byte_length, clean_subject, default_subject, measure, measure_batch, personalise
from core.sms.values import MessageType, Recipient, SmsCandidate


def test_ninety_bytes_is_an_sms_and_ninety_one_an_lms():
    assert measure("가" * 45).message_type is MessageType.SMS
    assert measure("가" * 45 + "a").message_type is MessageType.LMS
    assert measure("a" * 90).byte_length == 90


def test_two_thousand_bytes_is_an_lms_and_one_more_is_refused():
    assert measure("가" * 1000).message_type is MessageType.LMS
    with pytest.raises(InvalidInput) as refused:
        measure("가" * 1000 + "a")
    assert refused.value.code == "sms_text_too_long"


def test_an_empty_text_is_refused():
    with pytest.raises(InvalidInput) as refused:
        measure("  \n")
    assert refused.value.code == "sms_text_empty"


def test_characters_euc_kr_cannot_carry_count_two_bytes_and_are_listed():
    length, unencodable = byte_length("안녕😀")
    assert length == 6
    assert unencodable == ("😀",)


def test_the_batch_type_follows_the_longest_personalised_text():
    people = (Recipient("김", "01012345678", 1, "가"), Recipient("남궁민수", "01012345679", 1, "아주긴단지이름" * 3))
    text = "{이름}님 {단지명} " + "가" * 30
    assert measure_batch(text, people).message_type is MessageType.LMS
    assert personalise("{이름}님 {단지명}", people[0]) == "김님 가"


@pytest.mark.parametrize("raw", ["010-2345-5678", "01023455678", "+82 10 2345 5678"])
def test_korean_mobiles_are_accepted_in_national_digits(raw):
    assert korean_mobile(raw) == "01023455678"


@pytest.mark.parametrize("raw", ["02-2292-1234", "010-1", "not a number", "+1 202 555 0143"])
def test_landlines_foreign_and_broken_numbers_are_not_mobiles(raw):
    assert korean_mobile(raw) is None


def test_invalid_numbers_are_listed_duplicates_merged_and_missing_counted():
    found = build_recipient_list(
        [
            SmsCandidate("갑", "010-2345-5678", 1, "가"),
            SmsCandidate("을", "01023455678", 2, "나"),
            SmsCandidate("병", "02-123", 2, "나"),
            SmsCandidate("정", None, 3, "다"),
        ]
    )
    assert [r.name for r in found.recipients] == ["갑"]
    assert [i.name for i in found.invalid] == ["병"]
    assert found.duplicates_merged == 1
    assert found.without_phone == 1


def test_a_schedule_in_the_past_or_beyond_35_days_is_refused():
    clock = FixedClock(instant=datetime(2026, 4, 1, 3, 0, tzinfo=UTC))
    for bad, code in (
        (clock.now() - timedelta(minutes=1), "sms_schedule_past"),
        (clock.now() + timedelta(days=36), "sms_schedule_too_far"),
    ):
        with pytest.raises(InvalidInput) as refused:
            check_schedule(clock, bad)
        assert refused.value.code == code
    assert check_schedule(clock, clock.now() + timedelta(days=35)) == clock.now() + timedelta(days=35)


def test_a_naive_schedule_is_office_time_and_night_sends_are_flagged():
    clock = FixedClock(instant=datetime(2026, 4, 1, 3, 0, tzinfo=UTC))  # 12:00 in Seoul
    instant = check_schedule(clock, datetime(2026, 4, 1, 22, 30))
    assert instant == datetime(2026, 4, 1, 13, 30, tzinfo=UTC)
    assert at_night(clock, instant)
    assert not at_night(clock, None)
    assert not at_night(clock, datetime(2026, 4, 1, 23, 0, tzinfo=UTC))  # 08:00 Seoul


def test_an_lms_subject_is_one_line_within_forty_characters_and_sixty_euc_kr_bytes():
    assert clean_subject("  12월\n입주자대표회의   안내 ") == "12월 입주자대표회의 안내"
    assert clean_subject("a" * 40) == "a" * 40 and clean_subject("가" * 30) == "가" * 30
    for overlong, chars, length in (("a" * 41, 41, 41), ("가" * 31, 31, 62)):
        with pytest.raises(InvalidInput) as refused:
            clean_subject(overlong)
        assert refused.value.code == "sms_subject_too_long"
        assert refused.value.params == {"length": length, "limit": 60, "chars": chars, "char_limit": 40}
    with pytest.raises(InvalidInput) as empty:
        clean_subject(" \n ")
    assert empty.value.code == "sms_subject_empty"
    with pytest.raises(InvalidInput) as personal:  # one subject for every phone: no {이름} in it
        clean_subject("{이름}님 회의 안내")
    assert personal.value.code == "sms_subject_fields"
    with pytest.raises(InvalidInput) as unsafe:
        clean_subject("제목\x00")
    assert unsafe.value.code == "unsafe_text"


def test_the_default_subject_is_the_first_line_without_personal_fields_shortened_to_fit():
    assert default_subject("\n{이름}님께\n12월 회의 안내\n일시: 10일") == "님께"
    assert default_subject("12월 입주자대표회의 안내\n일시: 12월 10일") == "12월 입주자대표회의 안내"
    long = default_subject("가" * 45 + "\n다음 줄")
    assert long == "가" * 29 + "…" and clean_subject(long) == long
    assert default_subject("{이름}\n{단지명}") == "안내"
