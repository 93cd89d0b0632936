"""Emergency access ("break the glass", ONC 170.315(d)(6)); see people/README.md.

A clinician off a client's care team opens that one record in an emergency: they give a
reason, the access lasts the practice's time box and ends by itself, every read meanwhile
is audited as an emergency read, and the privacy officer is told at once and reviews it.
The access check itself is ``people.access.emergency_grant``, so every page, API endpoint
and export that reaches a client through ``people.access`` honours a grant the same way.
"""
