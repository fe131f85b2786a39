"""The compiled-definitions cache behind `Definitions.load`: used while no input file
changed, rebuilt when any one does (by content, never by modification time)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from flowkit import validate
from flowkit.load import cache
from flowkit.tracking import Definitions, Tracker
from flowkit.tracking.tracker import open_tracker
from tests.conftest import cst

NOW = cst("2026-11-27T10:00")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FLOWKIT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every validation of files or texts run from now on, by what was validated."""
    runs: list[str] = []
    paths, text = validate.validate_paths, validate.validate_text

    def counted_paths(given: object, *args: object) -> validate.Report:
        runs.append("paths")
        return paths(given, *args)  # type: ignore[arg-type]

    def counted_text(body: str, name: str = "<text>") -> validate.Report:
        runs.append(f"text {name}")
        return text(body, name)

    monkeypatch.setattr(validate, "validate_paths", counted_paths)
    monkeypatch.setattr(validate, "validate_text", counted_text)
    return runs


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


def test_unchanged_files_are_not_validated_again(
    processes: Path, cache_dir: Path, validations: list[str]
) -> None:
    first = Definitions.load([processes])
    assert validations == ["paths"]
    again = Definitions.load([processes])
    assert validations == ["paths"], "the second load came from the cache"
    assert again.current == first.current  # the same processes (locations aside)
    assert again.texts == first.texts
    assert again.org == first.org and again.customers == first.customers
    assert again.calendars == first.calendars
    node = again.current["standard-sales"].node_by_id["contract_signing"]
    fresh = first.current["standard-sales"].node_by_id["contract_signing"]
    assert (node.loc, node.at("sla")) == (fresh.loc, fresh.at("sla"))  # locations kept
    entries = list(cache_dir.iterdir())
    assert len(entries) == 1 and entries[0].stat().st_mode & 0o777 == 0o600


EDITS: dict[str, tuple[str, str, str, Callable[[Definitions], object]]] = {
    "a process": (
        "standard-sales.yaml",
        "name: 标准销售流程",
        "name: 标准销售流程（修订）",
        lambda d: d.current["standard-sales"].name,
    ),
    "org.yaml": (
        "org.yaml",
        "name: 王芳",
        "name: 王芳芳",
        lambda d: d.org.person("wang.fang").name,  # type: ignore[union-attr]
    ),
    "customers.yaml": (
        "customers.yaml",
        "label: 年度预算",
        "label: 年度采购预算",
        lambda d: str(d.customers),
    ),
    "a calendar": (
        "calendars/east-china.yaml",
        'start: "08:30"',
        'start: "09:00"',
        lambda d: d.calendars["east-china"].hours,
    ),
}


@pytest.mark.parametrize("kind", EDITS)
def test_a_change_to_any_input_file_rebuilds(
    kind: str, processes: Path, cache_dir: Path, validations: list[str]
) -> None:
    name, old, new, seen = EDITS[kind]
    before = seen(Definitions.load([processes]))
    _edit(processes / name, old, new)
    after = Definitions.load([processes])
    assert validations == ["paths", "paths"], f"an edit of {kind} must be validated"
    assert seen(after) != before
    assert seen(Definitions.load([processes])) == seen(after)  # and cached again
    assert validations == ["paths", "paths"]


def test_content_decides_not_the_modification_time(
    processes: Path, cache_dir: Path, validations: list[str]
) -> None:
    path = processes / "standard-sales.yaml"
    Definitions.load([processes])
    os.utime(path, (1, 1))  # touched: same content
    Definitions.load([processes])
    assert validations == ["paths"]
    stamp = path.stat()
    _edit(path, "name: 标准销售流程", "name: 标准销售流程２")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # changed, same mtime
    assert Definitions.load([processes]).current["standard-sales"].name == "标准销售流程２"
    assert validations == ["paths", "paths"]


def test_adding_or_removing_a_file_rebuilds(
    processes: Path, cache_dir: Path, validations: list[str]
) -> None:
    Definitions.load([processes])
    copy = (processes / "complaint-handling.yaml").read_text("utf-8")
    (processes / "complaint-handling.yaml").unlink()
    assert "complaint-handling" not in Definitions.load([processes]).current
    (processes / "complaint-handling.yaml").write_text(copy, "utf-8")
    assert "complaint-handling" in Definitions.load([processes]).current
    assert validations == ["paths"] * 3


def test_an_invalid_file_is_never_cached(
    processes: Path, cache_dir: Path, validations: list[str]
) -> None:
    from flowkit.tracking.definitions import InvalidDefinitions

    _edit(processes / "standard-sales.yaml", "calendar: cn", "calendar: nowhere")
    for _ in range(2):
        with pytest.raises(InvalidDefinitions):
            Definitions.load([processes])
    assert validations == ["paths", "paths"]
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_a_corrupt_cache_entry_is_ignored_and_replaced(
    processes: Path, cache_dir: Path, validations: list[str]
) -> None:
    good = Definitions.load([processes])
    (entry,) = cache_dir.iterdir()
    body = entry.read_bytes()
    for broken in (b"", b"junk", body[: len(body) // 2], body[:-7] + b"\x00" * 7):
        entry.write_bytes(broken)
        cache.forget()  # each load as the next command's
        assert Definitions.load([processes]).current == good.current
    assert validations == ["paths"] * 5
    cache.forget()
    Definitions.load([processes])  # a good entry was written back
    assert validations == ["paths"] * 5


def test_a_cache_others_could_write_is_not_trusted(
    processes: Path, cache_dir: Path, validations: list[str]
) -> None:
    Definitions.load([processes])
    (entry,) = cache_dir.iterdir()
    entry.chmod(0o666)
    cache.forget()  # the next command's load
    Definitions.load([processes])
    assert validations == ["paths", "paths"]


def test_no_cache_folder_means_no_cache(
    processes: Path, monkeypatch: pytest.MonkeyPatch, validations: list[str]
) -> None:
    monkeypatch.setenv("FLOWKIT_CACHE_DIR", "")
    Definitions.load([processes])
    Definitions.load([processes])
    assert validations == ["paths", "paths"]


def test_a_pinned_version_is_compiled_once_per_text(
    processes: Path, cache_dir: Path, tmp_path: Path, validations: list[str]
) -> None:
    """An opportunity on an edited process keeps its old text; that text is validated once,
    then every later command reads its model from the cache."""
    tracker = open_tracker(str(tmp_path / "t.db"), [processes])
    instance = tracker.start(
        "standard-sales",
        name="A",
        customer="B",
        owner="li.lei",
        now=NOW,
        fields={"segment": "sme", "amount": "50000"},
    )
    tracker.store.close()
    _edit(processes / "standard-sales.yaml", "name: 标准销售流程", "name: 新版标准销售流程")
    for _ in range(2):
        later = open_tracker(str(tmp_path / "t.db"), [processes])
        assert _process_name(later, instance) == "标准销售流程"
        later.store.close()
    pinned = [run for run in validations if run.startswith("text")]
    assert pinned == ["text " + str(processes / "standard-sales.yaml")]


def _process_name(tracker: Tracker, instance: int) -> str:
    from flowkit.tracking import show

    return show(tracker, instance).process_name


def test_the_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FLOWKIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "flowkit"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.folder() == tmp_path / "home" / ".cache" / "flowkit"
