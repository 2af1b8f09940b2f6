"""`make run`'s process manager: honcho on Procfile.dev, with time for the worker's warm shutdown.

    python -m marketplace.devserver [process ...]    # all of Procfile.dev, or only the named ones

honcho SIGKILLs whatever still runs 5 s after Ctrl-C; the Celery worker's warm shutdown on the
filesystem broker takes 4-5 s alone (a 2 s poll, then its timer), so it gets 20 s to finish.
`KILL_WAIT` is honcho's module constant (honcho 2.0.0, pinned).
"""

import sys

import honcho.command
import honcho.manager

KILL_WAIT_SECONDS = 20


def main(argv: list[str] | None = None) -> None:
    honcho.manager.KILL_WAIT = KILL_WAIT_SECONDS
    sys.argv = ["honcho", "-f", "Procfile.dev", "start", *(sys.argv[1:] if argv is None else argv)]
    honcho.command.main()


if __name__ == "__main__":
    main()
