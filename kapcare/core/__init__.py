"""Shared plumbing below every app: errors, violations, the clock, practice overrides.

Nothing here knows a domain (no models, no roles, no rules). Services raise the errors
of :mod:`kapcare.core.errors` and :mod:`kapcare.core.violations`, which know nothing
about HTTP; the API (``kapcare.api``) and the pages map them to answers. The API's
shared shapes (``api_errors``, ``api_fields``, ``pagination``) and the pages' form
helper (``form_errors``) live here too, because every app's router and views use them.
"""
