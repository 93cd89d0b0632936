"""Reports: a client's progress report (page and PDF) and the practice's outcomes."""
