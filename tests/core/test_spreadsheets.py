"""Cells staff open in a spreadsheet: text that looks like a formula stays text."""

from decimal import Decimal

import pytest

from core.spreadsheets import safe_cell


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-1", "@cmd"])
def test_cells_that_look_like_formulas_are_neutralised(text):
    assert safe_cell(text) == "'" + text


def test_numbers_stay_numbers_and_nothing_is_empty():
    assert safe_cell(12) == 12
    assert safe_cell(Decimal("1.5")) == 1.5
    assert safe_cell(None) == ""
    assert safe_cell("Thư viện") == "Thư viện"
