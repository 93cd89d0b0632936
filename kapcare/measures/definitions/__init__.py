"""Instrument definitions: a JSON document validated into an :class:`Instrument`.

The parts: ``reading`` (strict JSON, paths of mistakes), ``items`` (the FHIR
Questionnaire), ``spec`` (the scoring specification and reliable change), ``document``
(the whole, :func:`parse_instrument`).

One document holds everything about one instrument (the format is described in
``kapcare/measures/README.md``)::

    {
      "code": "PHQ-9",
      "source": "Kroenke K, Spitzer RL, Williams JBW. ... 2001.",
      "questionnaire": { a FHIR R4 Questionnaire },
      "scoring": { how to score it },
      "change": { reliable-change parameters, each with its source }
    }

Every mistake raises :class:`InstrumentError` naming where it is
(``scoring.subscales[1].items[3]``) and what to do about it. No Django here:
built-in instruments and the ``load_instrument`` command use the same parser.
"""

from kapcare.measures.definitions.document import CODE_PATTERN, Instrument, parse_instrument
from kapcare.measures.definitions.reading import InstrumentError, document_digest, load_json
from kapcare.measures.definitions.spec import SourcedChange

__all__ = [
    "CODE_PATTERN",
    "Instrument",
    "InstrumentError",
    "SourcedChange",
    "document_digest",
    "load_json",
    "parse_instrument",
]
