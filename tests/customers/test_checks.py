"""Value formats of the customer tables: what each check accepts, its one form, its message."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flowkit.customers.checks import (
    BUILT_IN,
    FormatError,
    check_follow_up,
    methods_of,
    parse_date,
    parse_datetime,
    parse_email,
    parse_grade,
    parse_landline,
    parse_method,
    parse_mobile,
    parse_phone,
    parse_potential,
    parse_size,
    parse_stage,
)
from flowkit.errors import InputError
from flowkit.model.customer import CustomerRules, FollowUpMethod


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "008613812345678",
        "8613812345678",
        "(+86) 138-1234-5678",
        " 13812345678 ",
        "１３８１２３４５６７８",
    ],
)
def test_mobiles_in_every_usual_spelling_become_11_digits(text: str) -> None:
    assert parse_mobile(text) == "13812345678"


@pytest.mark.parametrize("text", ["138xxxx", "1381234567", "12812345678", "23812345678", ""])
def test_a_bad_mobile_says_what_a_mobile_looks_like(text: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_mobile(text)
    assert caught.value.message == (
        f"'{text}' is not a mobile number: 11 digits starting with 13 to 19, like 13812345678"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("(010)12345678", "010-12345678"),
        ("（010）12345678", "010-12345678"),
        ("０１０－１２３４５６７８", "010-12345678"),
        ("021 1234 5678", "021-12345678"),
        ("0571-8888888", "0571-8888888"),
        ("0571-888-8888", "0571-8888888"),
        ("0755-12345678-801", "0755-12345678-801"),
        ("0755-12345678转801", "0755-12345678-801"),
        ("021-12345678 ext. 12", "021-12345678-12"),
        ("+86 10 12345678", "010-12345678"),
        ("+86-571-88888888", "0571-88888888"),
    ],
)
def test_landlines_keep_area_code_number_and_extension(text: str, expected: str) -> None:
    assert parse_landline(text) == expected


def test_a_landline_needs_its_area_code() -> None:
    with pytest.raises(FormatError) as caught:
        parse_landline("12345678")
    assert caught.value.message == (
        "'12345678' is not a landline number with its area code, "
        "like 010-12345678 or 0571-8888888-801"
    )


def test_a_phone_is_a_mobile_or_a_landline() -> None:
    assert parse_phone("+86 139-0000-1111") == "13900001111"
    assert parse_phone("(0571)88888888") == "0571-88888888"
    with pytest.raises(FormatError) as caught:
        parse_phone("138xxxx")
    assert caught.value.message == (
        "'138xxxx' is neither a mobile number (13812345678) "
        "nor a landline with its area code (010-12345678)"
    )


def test_format_errors_are_input_errors_and_value_errors() -> None:
    with pytest.raises(InputError):
        parse_email("nobody")
    with pytest.raises(ValueError, match="not an email address"):
        parse_email("nobody")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zhang.wei@example.com", "zhang.wei@example.com"),
        ("Zhang.Wei@Example.COM", "zhang.wei@example.com"),
        (" li_lei+crm@mail.hongda-jixie.com.cn ", "li_lei+crm@mail.hongda-jixie.com.cn"),
    ],
)
def test_emails_are_kept_in_lower_case(text: str, expected: str) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    "text", ["zhangxx@...", "zhang@", "@example.com", "张伟@例子", "a b@c.com"]
)
def test_a_bad_email_shows_a_good_one(text: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_email(text)
    assert caught.value.message == f"'{text}' is not an email address like zhang.wei@example.com"


@pytest.mark.parametrize(
    "text", ["2023-10-15", "2023/10/15", "2023.10.15", "2023年10月15日", " 2023 年 10 月 15 日 "]
)
def test_dates_in_the_usual_chinese_spellings(text: str) -> None:
    assert parse_date(text) == date(2023, 10, 15)


def test_dates_without_leading_zeros() -> None:
    assert parse_date("2024/1/5") == date(2024, 1, 5)


def test_a_date_that_is_not_one() -> None:
    with pytest.raises(FormatError) as caught:
        parse_date("15/10/2023")
    assert caught.value.message == (
        "'15/10/2023' is not a date like 2023-10-15, 2023/10/15, 2023.10.15 or 2023年10月15日"
    )
    with pytest.raises(FormatError) as caught:
        parse_date("2023-02-30")
    assert caught.value.message == "'2023-02-30' is not a day of the calendar"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-10-15", datetime(2023, 10, 15)),
        ("2023/10/15 15:30", datetime(2023, 10, 15, 15, 30)),
        ("2023-10-15T15:30:20", datetime(2023, 10, 15, 15, 30, 20)),
        ("2023年10月15日 9:05", datetime(2023, 10, 15, 9, 5)),
        ("2023年10月15日15：05", datetime(2023, 10, 15, 15, 5)),
    ],
)
def test_follow_up_times_are_a_date_and_maybe_a_time(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


def test_a_bad_time_of_day() -> None:
    with pytest.raises(FormatError) as caught:
        parse_datetime("2023-10-15 25:00")
    assert caught.value.message == "'2023-10-15 25:00' has no such time of day"
    with pytest.raises(FormatError) as caught:
        parse_datetime("2023-10-15 下午")
    assert caught.value.message == "'2023-10-15 下午' is not a date and time like 2023-10-15 15:00"


@pytest.mark.parametrize(("text", "expected"), [("A级", "A"), ("A", "A"), ("b", "B"), ("C类", "C")])
def test_grades(text: str, expected: str) -> None:
    assert parse_grade(text) == expected


def test_a_grade_is_a_letter() -> None:
    with pytest.raises(FormatError) as caught:
        parse_grade("甲级")
    assert caught.value.message == "'甲级' is not a grade like A级 or A"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("大型企业", "large"), ("中小企业", "sme"), ("个体工商户", "individual"), ("SME", "sme")],
)
def test_size_classes_by_chinese_name_or_key(text: str, expected: str) -> None:
    assert parse_size(text) == expected


def test_an_unknown_size_class_lists_the_known_ones() -> None:
    with pytest.raises(FormatError) as caught:
        parse_size("大企业")
    assert (
        caught.value.message
        == "'大企业' is not a customer size class (大型企业、中小企业、个体工商户)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("潜在客户", "potential"), ("意向", "intent"), ("成交客户", "won"), ("lost", "lost")],
)
def test_stages_by_chinese_name_or_key(text: str, expected: str) -> None:
    assert parse_stage(text) == expected


def test_an_unknown_stage_lists_the_known_ones() -> None:
    with pytest.raises(FormatError) as caught:
        parse_stage("跟进中")
    assert caught.value.message == (
        "'跟进中' is not a cooperation stage (潜在客户、意向客户、成交客户、流失客户)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话", "phone"),
        ("电话拜访", "phone"),
        ("上门拜访", "visit"),
        ("拜访", "visit"),
        ("邮件", "email"),
        ("邮件沟通", "email"),
        ("其他", "other"),
        ("Email", "email"),
    ],
)
def test_follow_up_methods_of_the_template(text: str, expected: str) -> None:
    assert parse_method(text) == expected


def test_an_unknown_method_points_to_other() -> None:
    with pytest.raises(FormatError) as caught:
        parse_method("微信")
    assert caught.value.message == (
        "'微信' is not a follow-up method (电话、上门拜访、邮件、其他); "
        "another is declared under methods: in customers.yaml"
    )
    assert caught.value.hint == "use 其他 for anything else and say how in the content"


def test_the_rules_add_methods_and_words() -> None:
    rules = CustomerRules(
        methods=(
            FollowUpMethod("wechat", "微信", ("微信沟通", "企业微信")),
            FollowUpMethod("visit", "上门拜访", ("陪访",)),
        )
    )
    methods = methods_of(rules)
    assert [methods.parse(w) for w in ("微信", "企业微信", "WeChat", "陪访", "电话")] == [
        "wechat",
        "wechat",
        "wechat",
        "visit",
        "phone",
    ]
    assert methods.name("wechat") == "微信" and methods.name("phone") == "电话"
    assert methods_of(CustomerRules()) is BUILT_IN
    with pytest.raises(FormatError, match="上门拜访、邮件、其他、微信"):
        methods.parse("短信")
    check_follow_up("wechat", "发方案", methods)
    with pytest.raises(InputError, match="method is one of phone, visit, email, other, not"):
        check_follow_up("wechat", "发方案")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("高", "高"), ("高潜力", "高"), (" 中潛力 ", "中"), ("潜力", "潜力"), ("", "")],
)
def test_a_typed_潜力_suffix_is_dropped_so_the_grading_table_does_not_repeat_it(
    text: str, expected: str
) -> None:
    assert parse_potential(text) == expected
