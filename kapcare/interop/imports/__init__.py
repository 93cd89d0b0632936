"""Importing clients from a CSV file (the documented template) or FHIR Patient resources."""
