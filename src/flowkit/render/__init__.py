"""Publishing: swimlane diagrams (layout → DOT → Graphviz) and the process handbook.

Reads the model only. `diagram` turns one process into SVG/PNG/PDF/DOT; `handbook`
builds the static site (HTML or Markdown) around those diagrams.
"""
