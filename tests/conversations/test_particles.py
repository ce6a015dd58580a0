"""Catalog texts write both forms of a particle; staff read the one that fits the word before it."""

import pytest

from core.texts.i18n import t, t_plain
from core.texts.particles import attach_particles, particle


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("문자 #1", "을(를)", "을"),  # 일
        ("문자 #2", "을(를)", "를"),  # 이
        ("문자 #10", "을(를)", "을"),  # 영
        ("2026-4-1", "은(는)", "은"),
        ("2016-1-2", "은(는)", "는"),
        ("목록 「공지」", "을(를)", "를"),
        ("목록 「입주자대표」", "을(를)", "를"),
        ("「동장단」", "(이)라", "이라"),
        ("「주민」", "(이)라", "이라"),
        ("「회의」", "(이)라", "라"),
        ("서울", "(으)로", "로"),  # ㄹ takes 로
        ("성동", "(으)로", "으로"),
        ("왕십리", "(으)로", "로"),
        ("<b>관련자료</b>", "을(를)", "를"),
        ("'SMS'", "을(를)", "를"),
        ("'URL'", "이(가)", "이"),
        ("홍길동", "과(와)", "과"),
        ("이숙영", "과(와)", "과"),
        ("김하나", "와(과)", "와"),
    ],
)
def test_a_particle_fits_the_final_sound_of_the_word_before_it(word, pair, expected):
    assert particle(word, pair) == expected


def test_a_text_with_nothing_to_read_before_the_particle_keeps_both_forms():
    assert attach_particles("「」을(를)") == "「」을(를)"


def test_korean_catalog_texts_show_one_form_and_english_ones_are_untouched():
    assert t("ko", "sms.new.sent", id=1, count=3).startswith("✅ 문자 #1을 3명에게")
    assert t("ko", "sms.new.sent", id=2, count=3).startswith("✅ 문자 #2를 3명에게")
    assert t_plain("ko", "error.case_already_approved", case_no="2016-1-2", by="김", at="x").startswith(
        "2016-1-2는 이미"
    )
    assert "(를)" not in t("en", "sms.new.sent", id=1, count=3)
