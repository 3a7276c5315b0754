"""Allow ``python -m backstride``."""

from backstride.cli import main

main()
