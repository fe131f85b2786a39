"""The layout docs/architecture.md draws, held to the code: imports point down its layers,
and no module imports itself back through others when it is imported (issue 9, items 1-2).

Read from the sources (ast), not by importing them: what a module imports inside a function
counts too (it runs when that function does), what it imports for type checking only does
not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "flowkit"

# docs/architecture.md's layers, bottom first: a package imports its own layer and those below
LAYERS = (
    (
        "model", "lang", "calendar", "errors", "diagnostics", "i18n", "messages", "output",
        "private", "progress", "spreadsheet", "workbooks",
    ),
    ("validate", "load", "check", "render"),
    ("store",),
    ("timers",),
    ("tracking", "customers", "access", "notify", "review", "demo", "publish"),
    ("cli", "web", "__main__"),
)  # fmt: skip
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

# The imports that still point up, each with why; a new one fails the test until it is
# turned round or named here.
UPWARD = {
    ("calendar.catalog", "load"): "calendar files are read with the YAML loader",
    ("calendar.files", "load"): "a calendar file is read with the YAML and schema loaders",
    ("calendar.notice_files", "load"): "a notice file is read with the JSON Schema loader",
    ("check.customer_rules", "access"): "the role table the rules name lives in access/",
    ("check.notify", "timers"): "notify.yaml's delays are checked as the timers read them",
    ("output.customers", "access"): "a profile's owner is named as access/ names people",
    ("output.customers", "customers"): "merges and their words are worded here",
    ("output.notices", "notify"): "the words of a notice: notify/ hands records up",
    ("output.notices", "tracking"): "a notice's status line is a tracking view",
    ("output.tracking", "tracking"): "the status and the lists word tracking's views",
    ("output.review", "review"): "the pack's tables are the review's measures",
    ("render.review", "customers"): "the pack's workbook writes as the customer export does",
    ("render.review", "review"): "the pack is drawn from the review's data",
    ("store.migrations.versions.0007_encryption", "customers"): (
        "the migration computes the blind index as the customer feature does"
    ),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path, everywhere: bool) -> Iterator[tuple[str, ast.stmt]]:
    """The flowkit modules `path` imports: at its top level, or (`everywhere`) anywhere
    but under `if TYPE_CHECKING:`. `from package import name` is the submodule when
    `name` is one, else the package."""
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for sub in ast.walk(node)
    }
    for node in ast.walk(tree) if everywhere else tree.body:
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield (sub if sub in MODULES else node.module), node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node


def _package(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_every_package_has_a_layer() -> None:
    packages = {_package(m) for m in MODULES} - {""}
    assert packages - {"schemas", "locale"} <= set(RANK), packages - set(RANK)


def test_imports_point_down_the_layers() -> None:
    upward: dict[tuple[str, str], str] = {}
    for module, path in MODULES.items():
        mine = _package(module)
        for target, node in _imports(path, everywhere=True):
            theirs = _package(target)
            if target.startswith("flowkit.") and RANK.get(theirs, -1) > RANK.get(mine, -1):
                upward[module.removeprefix("flowkit."), theirs] = f"{path.name}:{node.lineno}"
    assert set(upward) - set(UPWARD) == set(), {k: upward[k] for k in set(upward) - set(UPWARD)}
    assert set(UPWARD) <= set(upward), "turned round: take it out of UPWARD"


def test_no_module_imports_itself_back_when_imported() -> None:
    """No run-time import cycle: a module half-imported while another reads its names."""
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_edges_from(
            (module, target)
            for target, _ in _imports(path, everywhere=False)
            if target in MODULES and target != module
        )
    assert list(nx.simple_cycles(graph)) == []


def test_no_class_takes_its_methods_from_other_modules() -> None:
    """A command is a method written in its class's module (or a plain function), never a
    function of another file bound on as a method (`log = work.log`, issue 9). A dataclass
    field whose default is a function (a collaborator a test may swap) is not a method."""
    import dataclasses
    import importlib
    import inspect

    bound = []
    for name in MODULES:
        if ".migrations." in name or name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != name:
                continue
            fields = (
                {f.name for f in dataclasses.fields(cls)}
                if dataclasses.is_dataclass(cls)
                else set()
            )
            bound += [
                f"{name}.{cls.__qualname__}.{attr} = {value.__module__}.{value.__name__}"
                for attr, value in vars(cls).items()
                if inspect.isfunction(value)
                and value.__module__.startswith("flowkit")
                and value.__module__ != name
                and attr not in fields
            ]
    assert bound == []
