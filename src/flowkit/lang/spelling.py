"""Did you mean …? The one guess at a misspelt name, for every message that offers one.

Keys and lanes in the YAML checks, calendars and zones, people in commands, words of SLA
phrases and fields and enum values in conditions all ask the same question, so they get the
same answer and the same wording.
"""

from __future__ import annotations

from collections.abc import Iterable

from flowkit.messages import Message, msg

DID_YOU_MEAN = "did you mean '{}'?"  # the one wording; `.format(choice)`
CUTOFF = 0.6  # difflib's ratio below which a choice is not offered


def closest(word: str, choices: Iterable[str], cutoff: float = CUTOFF) -> str | None:
    """The choice `word` most likely meant, or None when nothing is close.

    A wrong case is the commonest slip ('a' for 'A', 'asia/shanghai') and difflib does not
    see it, so a choice equal but for case wins; else difflib's closest above `cutoff`."""
    listed = list(choices)
    folded = word.casefold()
    for choice in listed:
        if choice.casefold() == folded:
            return choice
    import difflib  # only a command with a mistake to point out needs it

    found = difflib.get_close_matches(word, listed, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = CUTOFF) -> str | None:
    """The hint for a misspelt name ("did you mean 'consultant'?"), or None."""
    match = closest(word, choices, cutoff)
    return DID_YOU_MEAN.format(match) if match is not None else None


def guess(word: str, choices: Iterable[str], cutoff: float = CUTOFF) -> Message | None:
    """`did_you_mean` as a message, for an error a command says in the user's language."""
    match = closest(word, choices, cutoff)
    return msg("did you mean '{name}'?", name=match) if match is not None else None
