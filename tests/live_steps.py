"""Run several ``flask`` commands in one process: ``python -m tests.live_steps < steps.json``.

The live servers' databases are set up by five commands and one ``users create`` per person
of the journeys; each ``python -m flask`` pays the app's import and start (about a second on
a quiet machine, several on a busy one). Here the app starts once and every step goes through
Click as the command line would (``app.test_cli_runner``), so what is set up is the same.

stdin: a JSON list of ``{"args": [...], "input": "..."}``. A failing step ends the run with
its output and exit status 1."""

import json
import sys
import traceback

from wsgi import app


def main():
    steps = json.load(sys.stdin)
    runner = app.test_cli_runner()
    for step in steps:
        result = runner.invoke(args=step["args"], input=step.get("input"), catch_exceptions=True)
        if result.exit_code != 0:
            print(f"flask {' '.join(step['args'])} failed (exit {result.exit_code}):", file=sys.stderr)
            print(result.output, file=sys.stderr)
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                traceback.print_exception(result.exception, file=sys.stderr)
            sys.exit(1)
        print(result.output, end="")


if __name__ == "__main__":
    main()
