"""The ``backstride`` command line: parses, calls a stage, prints. Errors end here.

Exit codes: 0 success, 2 bad input (`InputError`, usage errors), 1 anything else; an unexpected
error prints one line and a hint to re-run with ``--debug`` for the traceback.
"""

from __future__ import annotations

import logging
import sys
import traceback

import typer

from backstride.errors import BackstrideError


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``backstride`` script."""
    from backstride.cli.app import app
    from backstride.cli.state import err_console

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")
    command = typer.main.get_command(app)
    try:
        # Standalone mode: usage errors print their own message and exit with code 2.
        command.main(args=args, prog_name="backstride", standalone_mode=True)
    except BackstrideError as exc:
        if debug:
            traceback.print_exc()
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one catch-all: a bug gets one line, not a traceback
        if debug:
            traceback.print_exc()
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            "This is a bug in backstride. Re-run with --debug for the traceback and report it.",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)


__all__ = ["main"]
