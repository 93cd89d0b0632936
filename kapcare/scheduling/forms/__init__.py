"""Forms of the scheduling pages, one module per page: ``booking`` (book, reschedule,
status), ``calendar``, ``hours``, ``availability``, ``settings``; ``places`` turns the
practice's offices, rooms and staff into choices.

Thin: they turn what was typed into plain requests; ``scheduling.services`` decides.
"""
