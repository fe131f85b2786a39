"""One value as one cell's text and back: company size, lists, the potential."""

from __future__ import annotations

import pytest

from flowkit.customers.cells import join_size, potential_of, split_list, split_size


@pytest.mark.parametrize(
    ("cell", "employees", "revenue"),
    [
        ("100-500人/5000万-1亿", "100-500人", "5000万-1亿"),
        ("100-500人", "100-500人", ""),
        ("/5000万-1亿", "", "5000万-1亿"),
        ("5000万-1亿", "", "5000万-1亿"),
        ("100-500人/", "100-500人", ""),
        ("100-500人 ／ 5000万", "100-500人", "5000万"),
        ("1万人", "1万人", ""),
        ("", "", ""),
    ],
)
def test_company_size_splits_on_the_first_slash(cell: str, employees: str, revenue: str) -> None:
    assert split_size(cell) == (employees, revenue)


def test_company_size_is_written_so_it_reads_back() -> None:
    assert join_size("100-500人", "5000万-1亿") == "100-500人/5000万-1亿"
    assert join_size("100-500人", "") == "100-500人"
    assert join_size("", "5000万") == "/5000万"
    assert join_size("约5000万", "") == "约5000万/"  # else it would read as revenue


def test_keywords_split_on_chinese_and_ascii_separators() -> None:
    assert split_list("CRM、数据分析,BI，报表;审批；") == ("CRM", "数据分析", "BI", "报表", "审批")


@pytest.mark.parametrize(
    ("cell", "potential"),
    [("互联网/高价值/高潜力", "高"), ("互联网/中价值", ""), ("低潜力", "低"), ("", "")],
)
def test_the_potential_is_the_word_before_潜力(cell: str, potential: str) -> None:
    assert potential_of(cell) == potential
