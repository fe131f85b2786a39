"""A person's decision on each doubtful duplicate group of an import: merge, keep apart, skip.

`customer import --merge` folds a group on its own only when the evidence is strong
(`DuplicateGroup.doubt` is None). A doubtful group — one shared mobile, two owners, two
profiles on file — is folded, kept apart or left out only as a person decides: at a
prompt on a terminal, or in a decisions file (YAML: group key -> decision) that a dry run
writes as a template. Groups are named by a key made of their members (the customer
numbers on file, the names the file gives), the same on every run of the same file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from flowkit.customers.dedupe import DuplicateGroup
from flowkit.errors import InputError
from flowkit.messages import msg, words

Kind = Literal["merge", "apart", "skip"]
UNDECIDED = "undecided"


@dataclass(frozen=True)
class Decision:
    """What to do with one group: fold it (into a profile on file, `into`), import its
    rows as profiles of their own (`apart`), or leave its rows out (`skip`)."""

    kind: Kind
    into: str | None = None  # with merge: the customer number the rows are folded into

    def __str__(self) -> str:
        return f"merge into {self.into}" if self.into else self.kind


def group_key(group: DuplicateGroup) -> str:
    """The group's members: "C00001 / 北辰科技" (numbers on file, then the file's names)."""
    return " / ".join([*(c.id for c in group.existing), *(c.id or c.name for c in group.incoming)])


def parse(text: str, group: DuplicateGroup | None = None, where: str = "") -> Decision | None:
    """`merge into C00001`, `merge`, `apart`, `skip` (None: `undecided` or empty); a merge
    into a profile the group does not hold is refused."""
    words_ = text.strip().lower().split()
    if not words_ or words_ == [UNDECIDED]:
        return None
    if words_[0] == "merge" and (len(words_) == 1 or (len(words_) == 3 and words_[1] == "into")):
        into = text.strip().split()[2] if len(words_) == 3 else None
        if group is not None:
            into = _target(group, into, where)
        return Decision("merge", into)
    if words_ in (["apart"], ["skip"]):
        return Decision("apart" if words_ == ["apart"] else "skip")
    raise InputError(
        msg("{where}{text!r} is no decision", where=where, text=text),
        msg("decide with: merge into C000xx | merge | apart | skip | undecided"),
    )


def _target(group: DuplicateGroup, into: str | None, where: str) -> str | None:
    """The profile on file a merge folds into: the one named, or the group's only one."""
    on_file = [c.id for c in group.existing]
    if into is None and len(on_file) > 1:
        raise InputError(
            msg(
                "{where}say which profile to merge into: merge into {ids}",
                where=where,
                ids=words(on_file, sep=" | "),
            )
        )
    if into is None:
        return on_file[0] if on_file else None
    if into not in on_file:
        raise InputError(
            msg(
                "{where}merge into {into}: the group holds {ids}",
                where=where,
                into=into,
                ids=words(on_file) or msg("no profile on file"),
            )
        )
    return into


def read(path: Path) -> dict[str, str]:
    """The decisions file: group key -> decision text (checked against the groups later)."""
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text("utf-8"))
    except OSError as e:
        raise InputError(msg("cannot read {file}: {problem}", file=path, problem=str(e))) from e
    except yaml.YAMLError as e:
        raise InputError(
            msg("{file} is not YAML: {problem}", file=path.name, problem=str(e))
        ) from e
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InputError(msg("{file}: expected group key: decision lines", file=path.name))
    return {str(k): "" if v is None else str(v) for k, v in loaded.items()}


def decided(
    groups: Sequence[DuplicateGroup], texts: Mapping[str, str], source: str
) -> dict[str, Decision]:
    """The decisions of `texts` for `groups`, each checked; a key naming no group of the
    import is refused (a typo would leave its group undecided unnoticed)."""
    by_key = {group_key(g): g for g in groups}
    unknown = [k for k in texts if k not in by_key]
    if unknown:
        raise InputError(
            msg(
                "{file}: no doubtful group of this import is {keys}",
                file=source,
                keys=words(repr(k) for k in unknown),
            ),
            msg("the groups are: {keys}", keys=words((repr(k) for k in by_key), sep="; ")),
        )
    out = {}
    for key, text in texts.items():
        decision = parse(text, by_key[key], f"{source}: {key}: ")
        if decision is not None:
            out[key] = decision
    return out


def template(groups: Sequence[DuplicateGroup], reasons: Mapping[str, str]) -> str:
    """A decisions file listing every doubtful group, each undecided, its members and
    why it is doubtful in comments above it."""
    import json

    head = msg(
        "flowkit customer import --merge --decisions: one line per doubtful group. Decide "
        "each: merge into C000xx (fold the group into that profile: the rows, and the "
        "other profiles on file, undoably with customer unmerge) | merge (rows new to "
        "flowkit, into one profile) | apart (each its own profile) | skip (leave them out)."
    )
    lines = [f"# {head.text()}", ""]
    for group in groups:
        key = group_key(group)
        for c in group.customers:
            contacts = ", ".join(f"{p.name} {p.mobile}".strip() for p in c.contacts)
            lines.append(f"# {c.id or '(new)'} {c.name} | {c.owner or '-'} | {contacts or '-'}")
        lines.append(f"# {reasons.get(key, '')}")
        lines.append(f"{json.dumps(key, ensure_ascii=False)}: {UNDECIDED}")
        lines.append("")
    return "\n".join(lines)
