"""Measurement-based care: instruments as data, pure scoring, a stateless scoring API.

- ``scoring`` — the scoring engine and reliable change (pure, no Django);
- ``definitions`` — an instrument's JSON document validated into an ``Instrument``;
- ``registry`` — the built-in instruments plus the practice's own, by code;
- ``services`` — ``load_instrument_definition`` (``manage.py load_instrument``);
- ``api`` — ``GET /api/v1/instruments`` and ``POST /api/v1/instruments/{code}/score``.

The document format is described in ``kapcare/measures/README.md``.
"""
