"""Allow `python -m flowkit`."""

from flowkit.cli import main

main()
