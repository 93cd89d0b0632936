"""Medicine: the medicine-session record, its rules and its billable time.

The pure rules (no Django imports) are ``thresholds`` (settings with sources),
``session_rules`` and ``billing``; the Django side is ``models``, ``services`` (every
change, audited), ``api``, ``views`` and ``pdf``. What a session rests on (plan, consent,
screening, clearance, dose order) is the pathway's (``kapcare.pathway``).
"""
