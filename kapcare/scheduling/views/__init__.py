"""Scheduling pages, one module per page: ``calendar``, ``booking`` (book, reschedule,
status), ``hours``, ``availability``, ``feeds``, ``settings``.

Thin: clients are reached through ``people.access``; every change goes through
``scheduling.services`` (the one booking service the API and the admin use too), so a
page refuses exactly what the API refuses, with the same plain-language messages.
"""
