"""What staff type: one rule for a day, whichever way the office writes it, in every domain."""

from datetime import date

import pytest

from core.text_input import typed_date


@pytest.mark.parametrize(
    "typed", ["2016.03.14", "2016.3.14", "2016-03-14", "2016/3/14", "2016. 3. 14.", "20160314", " 2016 03 14 "]
)
def test_the_offices_ways_of_writing_a_day_name_it(typed):
    assert typed_date(typed) == date(2016, 3, 14)


@pytest.mark.parametrize("typed", ["", "어제", "2016.13.01", "2016.02.30", "16.03.14", "2016031", "2016-03-14 10:00"])
def test_anything_else_names_no_day(typed):
    assert typed_date(typed) is None
