"""FHIR R4 Questionnaire and QuestionnaireResponse, in and out.

Import turns a FHIR Questionnaire into ours (checked by the same loader) plus, when options
carry ``ordinalValue`` or ``itemWeight`` scores, a scorecard as plain data in our scorecard file
format (``models.scorecard_from_dict`` reads it; this package does not import ``models``).
When a response is scored, FHIRPath variables, calculatedExpressions and
enableWhenExpressions are evaluated (``expressions``); the importer says which expressions it
does not evaluate (CQL, initialExpression, ...). ``answerValueSet`` resolves against
contained ValueSets and, by canonical URL, against ValueSets in a Bundle or given as files
(``questionnaires.fhir.value_sets``); nothing is fetched. Export writes resources that validate
under ``fhir.resources`` (R4B, which is R4-compatible for these resources).

Modules: ``importing`` (with ``gates`` for enableWhen), ``scoring`` (with ``expressions``, and
``enable_when`` for the source's own R4 enableWhen),
``exporting``; ``common``
holds what they share.
"""

from questionnaires.fhir.common import FhirImport
from questionnaires.fhir.exporting import export_questionnaire, export_response
from questionnaires.fhir.importing import import_questionnaire
from questionnaires.fhir.scoring import score_fhir_response

__all__ = [
    "FhirImport",
    "export_questionnaire",
    "export_response",
    "import_questionnaire",
    "score_fhir_response",
]
