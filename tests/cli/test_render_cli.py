"""`flowkit render` as a user runs it: formats, refusals, nothing half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowkit.cli import main
from flowkit.render.atomic import MARKER

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
INVALID = ROOT / "tests" / "fixtures" / "invalid" / "FK202-unknown-lane.yaml"
needs_graphviz = pytest.mark.skipif(shutil.which("neato") is None, reason="Graphviz missing")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_dot_needs_no_graphviz_and_writes_one_file_per_process(tmp_path: Path) -> None:
    code, out, _ = run("render", str(PROCESSES), "--format", "dot", "-o", str(tmp_path))
    assert code == 0 and out == f"wrote 4 files to {tmp_path}\n"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "complaint-handling.dot",
        "solution-sales.dot",
        "standard-sales-en.dot",
        "standard-sales.dot",
    ]


@needs_graphviz
@pytest.mark.parametrize(
    ("fmt", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")]
)
def test_drawn_formats(tmp_path: Path, fmt: str, magic: bytes) -> None:
    path = PROCESSES / "complaint-handling.yaml"
    code, _, _ = run("render", str(path), "--format", fmt, "-o", str(tmp_path))
    assert code == 0
    assert (tmp_path / f"complaint-handling.{fmt}").read_bytes().startswith(magic)


def test_invalid_process_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, _, err = run("render", str(PROCESSES), str(INVALID), "-o", str(out))
    assert code == 1
    assert "17:11: error FK202: unknown lane 'consultnat'" in err
    assert err.endswith("error: nothing was written\n")
    assert not out.exists()


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("render", "nowhere/", "-o", str(tmp_path / "x"))
    assert code == 2 and "does not exist" in err


def test_an_output_the_machine_refuses_is_an_input_error_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _, err = run("render", str(PROCESSES), "--format", "dot", "-o", str(blocker / "out"))
    assert code == 2 and err.startswith("error: ") and "nothing more was written" in err
    assert "internal error" not in err and blocker.read_text() == "not a folder"


@needs_graphviz
def test_handbook_replaces_the_previous_one_as_a_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("", "utf-8")  # rendered by flowkit before
    (out / "stale.html").write_text("old", "utf-8")
    (tmp_path / ".site.new-killed").mkdir()  # left by a render killed half-way
    code, _, _ = run("render", str(PROCESSES), "-o", str(out))
    assert code == 0
    assert (out / "index.html").exists() and not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert run("render", str(PROCESSES), "-o", str(out))[0] == 0  # and again, over its own


def test_render_never_replaces_what_it_did_not_make(tmp_path: Path) -> None:
    processes = tmp_path / "processes"
    shutil.copytree(PROCESSES, processes)
    kept = tmp_path / "important"
    kept.mkdir()
    (kept / "keep.txt").write_text("mine", "utf-8")
    plain = tmp_path / "notes.txt"
    plain.write_text("mine", "utf-8")
    before = sorted(p.name for p in processes.iterdir())
    for out, says in (
        (processes, "did not render"),
        (kept, "did not render"),
        (plain, "not a folder"),
    ):
        for fmt in ("html", "md"):
            code, _, err = run("render", str(processes), "--format", fmt, "-o", str(out))
            assert code == 2 and says in err and "internal error" not in err, err
    assert sorted(p.name for p in processes.iterdir()) == before
    assert (kept / "keep.txt").read_text("utf-8") == "mine" and plain.read_text("utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["important", "notes.txt", "processes"]
