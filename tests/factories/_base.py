"""What every factory module shares: one fixed instant, so rows are reproducible."""

import datetime as dt

RECORDED_AT = dt.datetime(2025, 1, 6, 15, 0, tzinfo=dt.UTC)
"""When a factory's record was written, unless the test says otherwise."""
