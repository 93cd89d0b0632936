"""A synthetic practice of any size, for measuring KAP Care as a big practice meets it.

``manage.py generate_practice --clients N --seed S`` writes it (``generate``); the pure
layout of places, staff and each client's weeks is ``layout`` and ``histories``, the
fast writing (COPY on PostgreSQL, bulk_create in batches on SQLite) is ``writer``.
Synthetic people only; refused in production.
"""
