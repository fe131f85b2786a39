"""The one place flowkit runs Graphviz.

flowkit computes every position itself (`layout.py`), so Graphviz only draws: `neato -n2`
keeps node positions and the edge splines given in the DOT source.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

from flowkit.errors import MissingTool, RenderError
from flowkit.messages import msg

INSTALL_HINT = msg(
    "install Graphviz and a Chinese font: `apt-get install graphviz fonts-noto-cjk` "
    "(or run scripts/setup.sh)"
)
_FORMATS = {"svg": ["-Tsvg"], "png": ["-Tpng:cairo"], "pdf": ["-Tpdf:cairo"]}


MAX_PIXELS = 32000  # cairo cannot make a PNG wider or taller than 32,767 pixels


def run_graphviz(dot_source: str, fmt: str, size: tuple[float, float] = (0, 0)) -> bytes:
    """Draw pinned DOT source as svg, png or pdf; `size` (points) caps a PNG's resolution."""
    exe = shutil.which("neato")
    if exe is None:
        raise MissingTool(msg("Graphviz is not installed (no `neato` on PATH)"), INSTALL_HINT)
    if fmt in ("png", "pdf") and not has_cjk_font():
        raise MissingTool(
            msg(
                "no Chinese font is installed, so a {format} would show empty boxes for "
                "Chinese text",
                format=fmt.upper(),
            ),
            INSTALL_HINT,
        )
    try:
        done = subprocess.run(
            [exe, "-n2", *_FORMATS[fmt], *_dpi(fmt, size)],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise RenderError(msg("Graphviz took more than 5 minutes to draw the diagram")) from e
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise RenderError(msg("Graphviz failed: {problem}", problem=message))
    return done.stdout


def _dpi(fmt: str, size: tuple[float, float]) -> list[str]:
    if fmt != "png":
        return []
    largest = max(size[0], size[1], 1.0)
    return [f"-Gdpi={min(144, int(MAX_PIXELS * 72 / largest))}"]


@cache
def has_cjk_font() -> bool:
    """Whether fontconfig knows a font covering Chinese (unknown counts as yes)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return True
    done = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, check=False)
    return bool(done.stdout.strip())
