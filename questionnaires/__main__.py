"""Command line: ``python -m questionnaires check [PATH ...]`` and
``python -m questionnaires fhir-score QUESTIONNAIRE.json RESPONSE.json [--value-set VS.json]``."""

from __future__ import annotations

import argparse
import sys

from questionnaires import cli_check
from questionnaires.fhir import cli as fhir_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m questionnaires")
    commands = parser.add_subparsers(dest="command", required=True)
    cli_check.register(commands)
    fhir_cli.register(commands)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
