"""Scheduling: appointments, calendars and the booking rules of the KAP pathway."""
