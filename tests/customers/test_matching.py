"""Which customer a follow-up or grading row names: id, exact name, or the name's variant."""

from __future__ import annotations

import pytest

from flowkit.customers.matching import Names
from flowkit.customers.tables import FollowUpRow
from flowkit.errors import InputError
from flowkit.model.customer import FollowUp
from tests.conftest import cst

NAMES = Names(
    [
        ("C00001", "北辰科技有限公司"),
        ("C00002", "北辰科技(集团)"),  # the same company key: the store may hold both
        ("C00003", "华东电子有限公司"),
        ("C00004", "北辰科技"),
    ]
)


@pytest.mark.parametrize(
    ("customer_id", "name", "found"),
    [
        ("C00002", "whatever the name", "C00002"),  # the 客户编号 decides
        ("", "北辰科技", "C00004"),  # an exact name before any variant
        ("", "华东电子", "C00003"),
        ("", "华东电子（有限公司）", "C00003"),
        ("", "ＨＵＡ华东电子 Co., Ltd."[3:], "C00003"),
    ],
)
def test_a_row_is_matched_by_id_name_or_variant(customer_id: str, name: str, found: str) -> None:
    assert NAMES.one(customer_id, name) == found


def test_a_variant_two_customers_share_names_both() -> None:
    names = Names([("C00001", "北辰科技有限公司"), ("C00002", "北辰科技(集团)")])
    with pytest.raises(InputError) as caught:
        names.one("", "北辰科技")
    assert caught.value.message == (
        "'北辰科技' could be C00001 北辰科技有限公司 / C00002 北辰科技(集团): "
        "write the 客户编号 or the full name"
    )


def test_every_row_naming_none_is_named_by_its_cell() -> None:
    def row(name: str, customer_id: str = "", at: str = "") -> FollowUpRow:
        return FollowUpRow(name, FollowUp(customer_id, cst("2023-11-03T10:00"), "phone", "x"), at)

    with pytest.raises(InputError) as caught:
        NAMES.ids([row("北辰科技"), row("西辰", at="t.xlsx: row 3"), row("", "C09999")])
    assert caught.value.message == (
        "2 row(s) name no customer, or more than one; nothing was imported:\n"
        "  t.xlsx: row 3: no customer '西辰' in the file or on record\n"
        "  a row naming : no customer C09999 in the file or on record"
    )
