"""The therapy pages, by concern: session notes, parts, EMDR, psychotherapy notes.

Thin: records are reached through ``notes.access`` (or ``notes.psychotherapy``) and every
change goes through ``notes.services``, so a page refuses exactly what the API refuses,
in the same words.
"""
