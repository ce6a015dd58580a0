"""The housing rules, each accepted when kept and refused by name when broken."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.housing.validation import (
    TEXT_LIMITS,
    check_complex,
    check_group,
    check_office,
    check_representative,
    check_support_project,
)
from core.housing.values import ComplexDraft, GroupDraft, Office, RepresentativeDraft, SupportProjectDraft
from storage.housing.models import Complex, ManagementOffice, Representative, ResidentGroup, SupportProject

SHERVILLE = ComplexDraft(
    name="성동삼성쉐르빌(주상복합)",
    kind="apartment",
    management_type="mandatory",
    admin_dong="왕십리도선동",
    address="무학로6길 50",
    building_count=3,
    household_count=342,
    households_by_area=(0, 0, 40, 302, 0),
    floors_min=4,
    floors_max=27,
    approved_on=date(2006, 9, 13),
    kapt_code="A13301001",
    kapt_management_mode="entrusted",
)
ROW_HOUSE = replace(SHERVILLE, name="청솔빌라", kind="row_house", management_type=None, kapt_code=None,
                    kapt_management_mode=None, household_count=16, households_by_area=(4, 12, 0, 0, 0))  # fmt: skip
OFFICE = Office(
    phone="02-2297-3421",
    fax="02-2297-3422",
    manager_name="이상훈",
    manager_birth_date=date(1966, 5, 21),
    manager_mobile="010-4418-2307",
    manager_license_no="2012-7166",
    manager_license_grade="사",
    manager_assigned_on=date(2013, 4, 23),
)
CHAIR = RepresentativeDraft(
    position="회장",
    name="이정숙",
    gender="F",
    birth_date=date(1954, 2, 11),
    building_unit="101동 1203호",
    phone="010-3291-4475",
    term_start=date(2016, 3, 14),
    term_end=date(2018, 3, 13),
)
GROUP = GroupDraft(
    kind="community_activation",
    name="쉐르빌사랑회",
    leader_position="회장",
    leader_name="김순희",
    leader_phone="010-7720-5813",
    leader_email="kim1234@naver.com",
    member_count=0,
    formed_on=date(2016, 4, 29),
)
PROJECT = SupportProjectDraft(
    kind="공동체활성화",
    name="삼성쉐르빌",
    amount=1_590,
    period_start=date(2016, 3, 28),
    period_end=date(2016, 11, 30),
)


def refused(check, draft) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check(draft)
    return caught.value


def test_the_seeds_example_card_keeps_every_rule():
    check_complex(SHERVILLE)
    check_complex(ROW_HOUSE)
    check_office(OFFICE)
    check_representative(CHAIR)
    check_group(GROUP)
    check_support_project(PROJECT)


def test_drafts_cannot_be_changed_once_made():
    with pytest.raises(AttributeError):
        SHERVILLE.name = "다른 이름"  # type: ignore[misc]


# --- complexes ---------------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=0, max_value=5_000), min_size=5, max_size=5))
def test_area_bands_that_add_up_to_the_households_are_accepted(bands):
    check_complex(replace(SHERVILLE, household_count=sum(bands), households_by_area=tuple(bands)))


@given(
    st.lists(st.integers(min_value=0, max_value=5_000), min_size=5, max_size=5),
    st.integers(min_value=1, max_value=100).flatmap(lambda n: st.sampled_from([n, -n])),
)
def test_area_bands_that_miss_the_household_count_are_refused(bands, error):
    households = sum(bands) + error
    draft = replace(SHERVILLE, household_count=max(households, 0), households_by_area=tuple(bands))
    if draft.household_count == sum(bands):
        return
    assert refused(check_complex, draft).code == "area_bands_mismatch"


def test_there_are_exactly_five_area_bands():
    draft = replace(SHERVILLE, households_by_area=(0, 40, 302, 0))  # type: ignore[arg-type]
    assert refused(check_complex, draft).code == "area_bands_count"


@pytest.mark.parametrize(
    "changes",
    [
        {"building_count": -1},
        {"household_count": -1, "households_by_area": (0, 0, 0, 0, -1)},
        {"households_by_area": (-1, 1, 40, 302, 0)},
        {"floors_min": -1},
        {"floors_max": -1, "floors_min": -2},
    ],
    ids=["buildings", "households", "a band", "lowest floor", "highest floor"],
)
def test_no_count_of_a_complex_may_be_negative(changes):
    error = refused(check_complex, replace(SHERVILLE, **changes))
    assert error.code == "negative_number"
    assert str(error.params["field"]).startswith("complex.")


def test_counts_of_zero_are_allowed():
    check_complex(replace(SHERVILLE, building_count=0, household_count=0, households_by_area=(0, 0, 0, 0, 0)))


def test_the_lowest_floor_may_equal_but_not_exceed_the_highest():
    check_complex(replace(SHERVILLE, floors_min=27, floors_max=27))
    check_complex(replace(SHERVILLE, floors_min=None, floors_max=None))
    error = refused(check_complex, replace(SHERVILLE, floors_min=28, floors_max=27))
    assert (error.code, error.params) == ("floors_reversed", {"floors_min": 28, "floors_max": 27})


def test_a_complex_is_an_apartment_or_a_row_house():
    assert refused(check_complex, replace(SHERVILLE, kind="villa")).code == "unknown_complex_kind"


@pytest.mark.parametrize("management_type", ["mandatory", "voluntary", "rental"])
def test_an_apartment_is_managed_one_of_three_ways(management_type):
    check_complex(replace(SHERVILLE, management_type=management_type))


def test_an_apartment_must_say_how_it_is_managed_and_only_in_known_ways():
    assert refused(check_complex, replace(SHERVILLE, management_type=None)).code == "management_type_required"
    assert refused(check_complex, replace(SHERVILLE, management_type="self")).code == "unknown_management_type"


def test_a_row_house_has_no_management_type():
    error = refused(check_complex, replace(ROW_HOUSE, management_type="voluntary"))
    assert (error.code, error.params["value"]) == ("management_type_not_applicable", "voluntary")


@pytest.mark.parametrize("mode", [None, "self", "entrusted"])
def test_kapt_management_is_self_or_entrusted_or_unknown(mode):
    check_complex(replace(SHERVILLE, kapt_management_mode=mode))


def test_kapt_management_modes_are_kapts_own_two():
    error = refused(check_complex, replace(SHERVILLE, kapt_management_mode="자치"))
    assert error.code == "unknown_kapt_management_mode"


@pytest.mark.parametrize("code", ["13306001", "A1330600", "A133060011", "a13306001", "A1330600X"])
def test_a_kapt_code_is_an_a_and_eight_digits(code):
    assert refused(check_complex, replace(SHERVILLE, kapt_code=code)).code == "invalid_kapt_code"


def test_a_complex_needs_a_name_an_address_and_a_dong():
    for field in ("name", "address", "admin_dong"):
        error = refused(check_complex, replace(SHERVILLE, **{field: "  "}))
        assert (error.code, error.params["field"]) == ("text_required", f"complex.{field}")


def test_a_name_longer_than_its_column_is_refused_before_the_database_sees_it():
    check_complex(replace(SHERVILLE, name="가" * 100))
    error = refused(check_complex, replace(SHERVILLE, name="가" * 101))
    assert (error.code, error.params["limit"]) == ("text_too_long", 100)


def test_the_text_limits_are_the_schemas_column_widths():
    tables = {
        "complex": Complex,
        "office": ManagementOffice,
        "representative": Representative,
        "group": ResidentGroup,
        "project": SupportProject,
    }
    for key, limit in TEXT_LIMITS.items():
        table, column = key.split(".")
        if table == "representative" and column == "position":
            continue  # a name from the position list, whose own column is as wide
        assert tables[table].__table__.c[column].type.length == limit, key


# --- management office -------------------------------------------------------------------------------


def test_a_licence_grade_is_manager_or_assistant_manager():
    check_office(replace(OFFICE, manager_license_grade="보"))
    check_office(replace(OFFICE, manager_license_grade=None))
    assert refused(check_office, replace(OFFICE, manager_license_grade="1급")).code == "unknown_license_grade"


def test_office_numbers_are_stored_the_way_normalize_phone_writes_them():
    error = refused(check_office, replace(OFFICE, manager_mobile="01044182307"))
    assert (error.code, error.params["expected"]) == ("phone_not_normalized", "010-4418-2307")
    error = refused(check_office, replace(OFFICE, fax="12345"))
    assert (error.code, error.params["field"]) == ("invalid_phone", "office.fax")


def test_a_manager_is_assigned_after_being_born():
    error = refused(check_office, replace(OFFICE, manager_assigned_on=date(1966, 5, 21)))
    assert error.code == "assigned_before_birth"


def test_an_office_known_only_by_its_number_is_fine():
    check_office(Office(phone="02-2297-3421"))


# --- representatives ---------------------------------------------------------------------------------


@given(st.dates(), st.integers(min_value=1, max_value=3_000))
def test_a_term_that_ends_after_it_starts_is_accepted(start, days):
    end = start + timedelta(days=days) if start <= date.max - timedelta(days=days) else date.max
    if end > start:
        check_representative(replace(CHAIR, term_start=start, term_end=end))


@given(st.dates(), st.integers(min_value=0, max_value=3_000))
def test_a_term_that_ends_when_or_before_it_starts_is_refused(start, days):
    end = start - timedelta(days=days) if start >= date.min + timedelta(days=days) else date.min
    assert refused(check_representative, replace(CHAIR, term_start=start, term_end=end)).code == "term_reversed"


def test_a_term_with_an_open_end_is_fine():
    check_representative(replace(CHAIR, term_end=None))


def test_gender_is_m_or_f_or_not_given():
    check_representative(replace(CHAIR, gender="M"))
    check_representative(replace(CHAIR, gender=None))
    assert refused(check_representative, replace(CHAIR, gender="여")).code == "unknown_gender"


def test_a_representative_has_a_name_and_a_position():
    assert refused(check_representative, replace(CHAIR, name="")).params["field"] == "representative.name"
    assert refused(check_representative, replace(CHAIR, position=" ")).params["field"] == "representative.position"


def test_a_representatives_phone_must_be_a_korean_number():
    assert refused(check_representative, replace(CHAIR, phone="010-5970-1234")).code == "invalid_phone"


# --- groups ------------------------------------------------------------------------------------------


def test_a_group_is_for_community_activation_or_other():
    check_group(replace(GROUP, kind="other"))
    assert refused(check_group, replace(GROUP, kind="부녀회")).code == "unknown_group_kind"


def test_a_group_has_no_negative_members():
    check_group(replace(GROUP, member_count=None))
    error = refused(check_group, replace(GROUP, member_count=-3))
    assert (error.code, error.params["field"]) == ("negative_number", "group.member_count")


def test_a_leaders_email_must_look_like_one():
    check_group(replace(GROUP, leader_email=None))
    assert refused(check_group, replace(GROUP, leader_email="kim1234")).code == "invalid_email"


# --- support projects --------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**7).flatmap(lambda a: st.tuples(st.just(a), st.integers(0, a))))
def test_any_returned_amount_from_nothing_to_the_whole_grant_is_accepted(amounts):
    amount, returned = amounts
    check_support_project(replace(PROJECT, amount=amount, returned_amount=returned))


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=10**6))
def test_more_money_returned_than_granted_is_refused(amount, excess):
    draft = replace(PROJECT, amount=amount, returned_amount=amount + excess)
    assert refused(check_support_project, draft).code == "returned_exceeds_amount"


def test_no_amount_may_be_negative():
    assert refused(check_support_project, replace(PROJECT, amount=-1)).params["field"] == "project.amount"
    error = refused(check_support_project, replace(PROJECT, returned_amount=-1))
    assert (error.code, error.params["field"]) == ("negative_number", "project.returned_amount")


def test_a_project_may_last_one_day_but_not_end_before_it_starts():
    check_support_project(replace(PROJECT, period_end=PROJECT.period_start))
    check_support_project(replace(PROJECT, period_start=None))
    error = refused(check_support_project, replace(PROJECT, period_end=date(2016, 3, 27)))
    assert error.code == "period_reversed"
