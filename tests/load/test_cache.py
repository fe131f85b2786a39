"""The compiled-definitions cache's storage: what it trusts, and what it refuses."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from flowkit.diagnostics import Location
from flowkit.load import cache


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FLOWKIT_CACHE_DIR", str(folder))
    return folder


def test_an_entry_is_read_back_under_its_key_only(cache_dir: Path) -> None:
    value = {"where": Location("a.yaml", 3, 4)}
    cache.write("one.pickle", "key-1", value)
    assert cache.read("one.pickle", "key-1") == value
    assert cache.read("one.pickle", "key-2") is None
    assert cache.read("other.pickle", "key-1") is None
    assert (cache_dir / "one.pickle").stat().st_mode & 0o777 == 0o600
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in cache_dir.iterdir()] == ["one.pickle"]  # no temporary left


class _Payload:
    """What an attacker would plant: unpickling it calls a function of their choice."""

    def __init__(self, call: object, *args: object) -> None:
        self.call, self.args = call, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.call, self.args


@pytest.mark.parametrize(
    "planted",
    [
        _Payload(os.system, "touch {marker}"),
        _Payload(Path.touch, "{marker}"),
        _Payload(exec, "open(r'{marker}', 'w').close()"),
    ],
    ids=["os.system", "a method", "a builtin"],
)
def test_an_entry_naming_anything_but_the_model_is_refused(
    planted: _Payload, cache_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    planted.args = tuple(a.format(marker=marker) if isinstance(a, str) else a for a in planted.args)
    cache_dir.mkdir(mode=0o700)
    entry = cache_dir / "planted.pickle"
    entry.write_bytes(cache.FORMAT + b"key\n" + pickle.dumps(planted))
    entry.chmod(0o600)
    assert cache.read("planted.pickle", "key") is None
    assert not marker.exists()


def test_a_flowkit_function_is_refused_too(cache_dir: Path) -> None:
    from flowkit.load import paths

    cache_dir.mkdir(mode=0o700)
    entry = cache_dir / "planted.pickle"
    entry.write_bytes(cache.FORMAT + b"key\n" + pickle.dumps(_Payload(paths.discover, ["/"])))
    entry.chmod(0o600)
    assert cache.read("planted.pickle", "key") is None


def test_an_entry_of_another_format_or_a_symlink_is_a_miss(cache_dir: Path) -> None:
    cache.write("one.pickle", "key", [1, 2])
    entry = cache_dir / "one.pickle"
    entry.write_bytes(entry.read_bytes().replace(b"definitions 1", b"definitions 0"))
    cache.forget()  # what the next command finds
    assert cache.read("one.pickle", "key") is None
    cache.write("two.pickle", "key", [1, 2])
    (cache_dir / "link.pickle").symlink_to(cache_dir / "two.pickle")
    cache.forget()
    assert cache.read("link.pickle", "key") is None
    assert cache.read("two.pickle", "key") == [1, 2]


def test_what_a_process_read_or_wrote_it_keeps_under_its_key(cache_dir: Path) -> None:
    """A second read in one process (the web server's, a test run's) is not unpickled again;
    another key is a miss in memory as on disk, and a forgetful process reads the file."""
    cache.write("one.pickle", "key-1", [1, 2])
    (cache_dir / "one.pickle").write_bytes(b"torn")
    kept = cache.read("one.pickle", "key-1")
    assert kept == [1, 2] and cache.read("one.pickle", "key-1") is kept
    assert cache.read("one.pickle", "key-2") is None
    cache.forget()
    assert cache.read("one.pickle", "key-1") is None


def test_a_folder_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    os.environ["FLOWKIT_CACHE_DIR"] = str(blocked / "cache")
    cache.write("one.pickle", "key", [1])  # silently not cached
    assert cache.read("one.pickle", "key") is None


def test_the_key_covers_content_and_names(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("x: 1")
    b.write_text("x: 1")
    assert cache.content_key([a]) == cache.content_key([a])
    assert cache.content_key([a]) != cache.content_key([b])  # same bytes, another file
    before = cache.content_key([a, b])
    b.write_text("x: 2")
    assert cache.content_key([a, b]) != before
    assert cache.content_key([tmp_path / "missing.yaml"]) != cache.content_key(
        [tmp_path / "missing.yaml"]
    )  # an unreadable file matches no entry
