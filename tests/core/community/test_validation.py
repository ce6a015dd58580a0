"""마을공동체 records by the report's own examples: 금옥마을 (a 소통공간 with its 시설현황) and the Seoul-city
project 「가족의 탄생」; each rule refuses with a code that names the field, so every edge can say what to fix."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from core.community.validation import (
    check_facility,
    check_grant_project,
    check_organization,
    parse_area,
    parse_funds,
    parse_homepage,
)
from core.community.values import Facility, GrantProjectDraft, OrganizationDraft
from core.errors import InvalidInput

TODAY = date(2016, 5, 2)
GEUMOK = OrganizationDraft(
    field="space",
    legal_type="nonprofit_civic_group",
    name="금옥마을",
    admin_dong="금호2.3가동",
    address="매봉18길 11",
    representative="고은정",
    mobile="010-2286-1234",
    phone="02-2286-1234",
    fax="02-2286-1235",
    business_year=2015,
    member_count=10,
    facility=Facility(
        land_area=Decimal("175"),
        floor_area=Decimal("221.55"),
        scale="지하1/지상2",
        main_facilities="도서관,강의실",
        ownership="성동구",
    ),
)
BIRTH_OF_A_FAMILY = GrantProjectDraft(
    sponsor="city",
    year=2015,
    name="가족의 탄생 (국경을 넘어 마을로)",
    activity_area="하왕십리동",
    call_field="다문화마을공동체",
    content="베트남 국제결혼 배우자의 한국에서 안정적인 정착과 아이들의 양육에 대한 정보교환",
    representative="박경일",
    mobile="010-5512-3344",
    member_count=18,
    city_funds=4570,
)


def refused(check, *args):
    with pytest.raises(InvalidInput) as error:
        check(*args)
    return error.value.code, error.value.params


def test_the_reports_examples_pass():
    check_organization(GEUMOK, TODAY)
    check_grant_project(BIRTH_OF_A_FAMILY, TODAY)


def test_an_organization_cannot_be_founded_tomorrow_or_be_of_an_unknown_field_or_type():
    assert refused(check_organization, replace(GEUMOK, founded_on=date(2016, 5, 3)), TODAY)[0] == "founded_in_future"
    check_organization(replace(GEUMOK, founded_on=TODAY), TODAY)
    assert refused(check_organization, replace(GEUMOK, field="club"), TODAY)[0] == "community_unknown_field"
    assert refused(check_organization, replace(GEUMOK, legal_type="재단"), TODAY)[0] == "community_unknown_legal_type"
    assert refused(check_organization, replace(GEUMOK, name="  "), TODAY) == (
        "text_required",
        {"field": "organization.name"},
    )


def test_phones_are_stored_normalised_and_the_homepage_is_a_web_address():
    code, params = refused(check_organization, replace(GEUMOK, mobile="01022861234"), TODAY)
    assert code == "phone_not_normalized" and params["expected"] == "010-2286-1234"
    assert refused(check_organization, replace(GEUMOK, fax="02-12"), TODAY)[0] == "invalid_phone"
    assert parse_homepage("www.geumok.or.kr") == "http://www.geumok.or.kr"
    assert parse_homepage(" https://cafe.naver.com/geumok ") == "https://cafe.naver.com/geumok"
    for typed in ("금옥마을 카페", "ftp://geumok.kr", "http://localhost", "http://a b.kr", "http://user:pw@x.kr"):
        with pytest.raises(InvalidInput) as error:
            parse_homepage(typed)
        assert error.value.code == "invalid_homepage", typed
    assert refused(check_organization, replace(GEUMOK, homepage="www.geumok.or.kr"), TODAY)[0] == "invalid_homepage"
    check_organization(replace(GEUMOK, homepage="http://www.geumok.or.kr", email="geumok@example.kr"), TODAY)
    assert refused(check_organization, replace(GEUMOK, email="geumok"), TODAY)[0] == "invalid_email"


def test_facility_areas_are_positive_with_at_most_two_decimals():
    assert parse_area("facility.floor_area", "221.55㎡") == Decimal("221.55")
    assert parse_area("facility.land_area", "1,200 m2") == Decimal("1200")
    assert refused(parse_area, "facility.land_area", "0")[0] == "area_not_positive"
    assert refused(parse_area, "facility.land_area", "221.555")[0] == "area_precision"
    assert refused(parse_area, "facility.land_area", "넓음")[0] == "area_not_a_number"
    assert refused(check_facility, Facility(land_area=Decimal("-3")))[0] == "area_not_positive"
    assert refused(check_facility, Facility(floor_area=Decimal("1.005")))[0] == "area_precision"
    assert refused(check_facility, Facility(scale="지하1/지상2" * 10))[0] == "text_too_long"


def test_funds_are_whole_thousand_won_and_none_is_written_as_the_register_does():
    assert parse_funds("project.city_funds", "4,570") == 4570
    assert parse_funds("project.city_funds", "4570천원") == 4570
    assert parse_funds("project.district_funds", "없음") == 0
    assert parse_funds("project.district_funds", "-") == 0
    assert refused(parse_funds, "project.city_funds", "4,570.5")[0] == "funds_whole_thousand"
    assert refused(parse_funds, "project.city_funds", "사천")[0] == "funds_not_a_number"
    assert refused(parse_funds, "project.city_funds", "-5")[0] == "funds_not_a_number"
    code, params = refused(check_grant_project, replace(BIRTH_OF_A_FAMILY, self_funds=-1), TODAY)
    assert code == "funds_out_of_range" and params["field"] == "project.self_funds"


def test_a_housing_call_names_its_complex_and_only_it_does():
    housing = replace(BIRTH_OF_A_FAMILY, sponsor="housing")
    assert refused(check_grant_project, housing, TODAY)[0] == "grant_needs_complex"
    check_grant_project(replace(housing, complex_id=7), TODAY)
    assert refused(check_grant_project, replace(BIRTH_OF_A_FAMILY, complex_id=7), TODAY)[0] == (
        "grant_complex_only_for_housing"
    )
    assert refused(check_grant_project, replace(BIRTH_OF_A_FAMILY, sponsor="국비"), TODAY)[0] == (
        "community_unknown_sponsor"
    )
    assert refused(check_grant_project, replace(BIRTH_OF_A_FAMILY, year=2018), TODAY)[0] == "community_year_range"


def test_every_refusal_has_its_words_in_both_languages():
    import re
    from pathlib import Path

    from core.texts.i18n import has_text

    source = (Path(__file__).resolve().parents[3] / "core" / "community" / "validation.py").read_text()
    codes = set(re.findall(r'InvalidInput\(\s*"([a-z_]+)"', source))
    for chosen in re.findall(r'code = "([a-z_]+)" if .* else "([a-z_]+)"', source):
        codes.update(chosen)
    assert {"founded_in_future", "grant_needs_complex", "funds_whole_thousand"} <= codes
    shared = {
        "text_required",
        "text_too_long",
        "invalid_phone",
        "phone_not_normalized",
        "negative_number",
        "invalid_email",
    }
    for lang in ("ko", "en"):
        assert [c for c in codes - shared if not has_text(lang, f"error.{c}")] == [], lang
    assert parse_funds("project.city_funds", "None") == 0
