"""KAP Care: a practice system for Ketamine-Assisted Psychotherapy."""
