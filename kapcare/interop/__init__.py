"""Interoperability: FHIR R4 (read API, $everything, bulk export), import, billing, reports."""
