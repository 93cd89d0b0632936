"""The care pathway's own records: plan, consents, screening, clearance, dose orders.

DESIGN.md's pathway steps 2 and 3 (screening and clearance, the treatment plan and its
dose order) and the consents every medicine session rests on. The records change only
through ``pathway.services``; the pure rules over them are ``pathway.rules`` (what is in
force on a date) and ``pathway.screening`` (contraindications); ``pathway.facts`` loads
what the rules need, for booking and dosing alike.
"""
