"""Text measured without a font engine: wide (CJK) characters take 1 em, others ~0.56 em.

Boxes have fixed sizes so the layout is exact; text is fitted to them here, shortened
with '…' when it cannot fit (the full text stays in the tooltip and the handbook).
"""

from __future__ import annotations

from flowkit.output.width import is_wide

NARROW_EM = 0.56


def width(text: str, size: float) -> float:
    """Estimated width of one line at `size` points."""
    return sum(size * _em(ch) for ch in text)


def fit(text: str, size: float, room: float) -> tuple[str, float]:
    """The longest prefix of `text` (with '…' if cut) that fits in `room` points."""
    text = " ".join(text.split())
    if width(text, size) <= room:
        return text, width(text, size)
    ellipsis = width("…", size)
    shown = ""
    for ch in text:
        if width(shown + ch, size) + ellipsis > room:
            break
        shown += ch
    result = shown.rstrip() + "…"
    return result, width(result, size)


def wrap(text: str, size: float, room: float, lines: int) -> list[str]:
    """Break text into at most `lines` lines of `room` points, the last one shortened."""
    pieces = _breakable(" ".join(text.split()))
    out: list[str] = []
    current = ""
    for i, piece in enumerate(pieces):
        if not current or width(current + piece, size) <= room:
            current += piece
        elif len(out) == lines - 1:
            current += "".join(pieces[i:])
            break
        else:
            out.append(current)
            current = piece
    out.append(current)
    return [fit(line.strip(), size, room)[0] for line in out if line.strip()]


def _breakable(text: str) -> list[str]:
    """Pieces a line may break between: each wide character alone, narrow runs as words."""
    pieces: list[str] = []
    word = ""
    for ch in text:
        if _em(ch) == 1.0:
            if word:
                pieces.append(word)
                word = ""
            pieces.append(ch)
        elif ch == " ":
            word += ch
            pieces.append(word)
            word = ""
        else:
            word += ch
    if word:
        pieces.append(word)
    return pieces


def _em(ch: str) -> float:
    return 1.0 if is_wide(ch) else NARROW_EM
