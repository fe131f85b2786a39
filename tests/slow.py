"""Which tests are slow: marked here by rule, so that a plain `pytest` runs the fast subset.

pyproject.toml deselects the `slow` marker by default (`addopts = ... -m "not slow"`);
`pytest -m ""` runs everything, and so do scripts/test.sh and CI. The marks are given here,
at collection, rather than in each test file: a rule keeps up with tests added later (every
PostgreSQL variant, every state machine), and one table merges cleanly while many people edit
the tests. Every behaviour keeps a variant in the fast subset: the SQLite one of each
database test, the stand-in Graphviz of the handbook tests, the example-based tests beside
each heavy property test.

Loaded as a plugin by tests/conftest.py (`pytest_plugins`).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Tests no rule below can see: named by module, by function (every parameter of it) or by
# one parameter. tests/test_fast_subset.py checks that each still names a test.
SLOW_TESTS: dict[str, str] = {
    "tests/render/test_browser.py": "drives Chromium through Playwright",
    "tests/web/test_browser.py": "drives Chromium through Playwright against a live server",
    "tests/render/test_review_browser.py": "drives Chromium through Playwright",
    "tests/cli/test_concurrent_cli.py::test_two_advances_at_once": "runs two flowkit processes",
    "tests/cli/test_concurrent_cli.py::test_concurrent_commands_land_whole_or_are_refused": (
        "runs five flowkit processes"
    ),
    "tests/store/test_concurrency.py::test_two_processes_writing_at_once": "spawns two writers",
    "tests/cli/test_backends_agree_cli.py": "runs each example on SQLite and on PostgreSQL",
    "tests/cli/test_startup_cli.py": "runs flowkit in new interpreters to see what it imports",
    "tests/access/test_matrix.py::test_each_role_reaches_what_the_table_says": (
        "540 cases, each on a fresh database (a consultant's column stays fast)"
    ),
    "tests/store/test_direct.py::test_a_status_imports_no_sqlalchemy": (
        "runs a status in a new interpreter to see what it imports"
    ),
    "tests/store/test_store.py::test_backup_names_the_tool_for_postgresql": "on PostgreSQL",
    "tests/store/test_row_security.py": "on PostgreSQL, with logins of its own",
    "tests/store/test_pgdump.py": "on PostgreSQL, with pg_dump, pg_restore, scratch databases",
    "tests/customers/test_encryption.py::test_rotation_amid_writers_leaves_no_old_key": (
        "on PostgreSQL, three writers at once with a rotation"
    ),
    "tests/render/test_diagram.py::test_png_and_pdf_are_real_files": "draws with Graphviz",
    # whole-code and whole-product checks a change rarely touches; each has smaller
    # neighbours in the fast subset (a message in each language, one pack's tables, the
    # charts' determinism, notices sent once in tests/notify/test_passes.py)
    "tests/test_i18n.py::test_every_message_of_the_code_is_in_each_catalogue_and_no_other": (
        "extracts every message of the code with Babel and reads both catalogues"
    ),
    "tests/cli/test_messages_cli.py::"
    "test_every_message_of_the_code_is_written_where_babel_can_read_it": (
        "extracts every message of the code with Babel"
    ),
    "tests/cli/test_review_cli.py::"
    "test_review_writes_the_pack_and_the_same_data_gives_the_same_bytes": (
        "draws the whole review pack twice, every chart with matplotlib"
    ),
    "tests/notify/test_exactly_once.py::test_no_notice_twice_and_none_missed": (
        "a property test of whole notification passes against a live receiver"
    ),
    "tests/customers/test_dedupe.py::test_many_records_are_grouped_in_one_pass": (
        "groups 20,000 profiles (were grouping quadratic, it would show here)"
    ),
    # builds a million values before refusing; tests/load/test_yamlsource.py checks the
    # same limit set low
    "tests/test_validate.py::test_fixture_reports_its_code_on_the_marked_line[FK005-alias-bomb]": (
        "expands an alias bomb up to the limit"
    ),
}

# Matrices whose every cell is a test of its own: the cells with one value of one parameter
# stay in the fast subset (every row of the matrix checked once while working), the others
# run in the whole suite. Function -> (parameter, the value kept fast, why the rest is slow).
SAMPLED: dict[str, tuple[str, str, str]] = {
    "tests/web/test_api.py::test_the_api_answers_by_the_role_table": (
        "role",
        "consultant",
        "a role's column of the API's role table (a consultant's column stays fast)",
    ),
    "tests/cli/test_hostile_files_cli.py::"
    "test_a_hostile_file_is_an_input_error_and_writes_nothing": (
        "command",
        "customer import",
        "a hostile file given to the tracking import (the customer import's column stays fast)",
    ),
}

HYPOTHESIS_DEFAULT_EXAMPLES = 100
FAST_EXAMPLES = 25  # per property test in the fast subset; the whole suite keeps 100

settings.register_profile("fast-subset", max_examples=FAST_EXAMPLES)


def slow_reason(item: pytest.Item) -> str | None:
    """Why `item` belongs to the slow tests, or None when it is fast."""
    function = item.nodeid.split("[", 1)[0]
    module = function.split("::", 1)[0]
    named = SLOW_TESTS.get(item.nodeid) or SLOW_TESTS.get(function) or SLOW_TESTS.get(module)
    if named:
        return named
    callspec = getattr(item, "callspec", None)
    sampled = SAMPLED.get(function)
    if sampled is not None and callspec is not None:
        parameter, fast, why = sampled
        if callspec.params.get(parameter) != fast:
            return why
    if callspec is not None and "postgresql" in callspec.params.values():
        return "on PostgreSQL (its SQLite variant stays in the fast subset)"
    cls = getattr(item, "cls", None)
    if cls is not None and cls.__module__ == "hypothesis.stateful":
        return "a Hypothesis state machine"
    chosen = getattr(getattr(item, "obj", None), "_hypothesis_internal_use_settings", None)
    if chosen is not None and chosen.max_examples > HYPOTHESIS_DEFAULT_EXAMPLES:
        return f"a property test of {chosen.max_examples} examples"
    # Its author turned the deadline off, having seen slow examples. A test without its own
    # settings holds the loaded profile, whose deadline says nothing of the test: Hypothesis
    # loads its "ci" profile (deadline=None) wherever the CI variable is set.
    if chosen is not None and chosen is not settings.default and chosen.deadline is None:
        return "a property test without a deadline per example"
    if any("Graphviz" in str(m.kwargs.get("reason", "")) for m in item.iter_markers("skipif")):
        return "draws with the real Graphviz"
    return None


def pytest_configure(config: pytest.Config) -> None:
    """In the fast subset, property tests try fewer examples (a quick run while working);
    the whole suite (`pytest -m ""`, scripts/test.sh, CI) tries Hypothesis's full number.

    Loaded before the test modules are imported, so it is the parent of every test's own
    settings: a test that names its number of examples keeps it."""
    if config.getoption("markexpr") == "not slow" and "HYPOTHESIS_PROFILE" not in os.environ:
        settings.load_profile("fast-subset")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        reason = slow_reason(item)
        if reason is not None:
            item.add_marker(pytest.mark.slow(reason=reason))


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.getoption("markexpr") == "not slow":
        return 'fast subset: slow tests are deselected; pytest -m "" runs them all'
    return None
