"""FHIR R4 (R4B models): pure mappers from KAP Care's records to resources, one module
per resource family, plus the Bundle, OperationOutcome and CapabilityStatement shapes.

Mappers take rows that are already loaded (with what they reference selected) and
return plain JSON dictionaries; they never query. The tests validate every resource
they emit with ``fhir.resources.R4B``. Psychotherapy notes are never mapped: no
mapper reads a note, and free-text fields of the medicine record stay out too.
"""
