"""Every change to the therapy record: one transaction each, audited inside it.

Re-exported here so callers write ``services.sign_note(...)``; the modules are by concern.
"""

from kapcare.notes.services.emdr import (
    link_emdr_session,
    record_emdr_session,
    record_emdr_target,
)
from kapcare.notes.services.parts import record_part, update_part
from kapcare.notes.services.session_notes import (
    NoteChanges,
    add_note_addendum,
    cosign_note,
    save_draft,
    sign_note,
    start_note,
)
from kapcare.notes.services.supervision import set_supervision

__all__ = [
    "NoteChanges",
    "add_note_addendum",
    "cosign_note",
    "link_emdr_session",
    "record_emdr_session",
    "record_emdr_target",
    "record_part",
    "save_draft",
    "set_supervision",
    "sign_note",
    "start_note",
    "update_part",
]
