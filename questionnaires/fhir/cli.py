"""``python -m questionnaires fhir-score QUESTIONNAIRE.json RESPONSE.json
[--value-set VS.json ...]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from questionnaires.errors import QuestionnaireError
from questionnaires.fhir.importing import import_questionnaire
from questionnaires.fhir.scoring import score_fhir_response


def _read(path: str):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SystemExit(f"{path}: cannot read the file ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SystemExit(f"{path}: not valid JSON ({exc})") from None


def fhir_score(args) -> int:
    try:
        value_sets = [(path, _read(path)) for path in args.value_sets or []]
        imported = import_questionnaire(
            _read(args.questionnaire), source=args.questionnaire, value_sets=value_sets
        )
        response = _read(args.response)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 1
    except QuestionnaireError as exc:
        print(exc, file=sys.stderr)
        return 1
    result = score_fhir_response(imported, response)
    result["notes"] = imported.notes + result["notes"]
    print(json.dumps(result, indent=2))
    return 1 if any(p["severity"] == "error" for p in result["problems"]) else 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "fhir-score", help="score a FHIR QuestionnaireResponse against its Questionnaire"
    )
    parser.add_argument(
        "questionnaire", help="the FHIR R4 Questionnaire, or a Bundle holding it and ValueSets"
    )
    parser.add_argument("response", help="the FHIR R4 QuestionnaireResponse (JSON)")
    parser.add_argument(
        "--value-set",
        dest="value_sets",
        action="append",
        metavar="VS.json",
        help="a ValueSet, or a Bundle of ValueSets, for answerValueSet URLs; "
        "give it more than once",
    )
    parser.set_defaults(handler=fhir_score)
