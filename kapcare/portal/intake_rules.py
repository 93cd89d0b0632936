"""What an intake needs before it is sent to the care team (pure; no Django).

A draft may be saved with anything missing. Sending needs a way to reach the client and
someone to call in an emergency (medicine sessions need both), the goals and the
medicines (or "none"). The "who might benefit" reflection informs the consultation and
never gates anything: unanswered statements do not stop the intake.
"""

from collections.abc import Mapping

__all__ = ["MAX_LENGTHS", "REQUIRED_TO_SEND", "missing_to_send"]

MAX_LENGTHS = {
    "phone": 30,
    "emergency_contact_name": 150,
    "emergency_contact_relationship": 60,
    "emergency_contact_phone": 30,
    "history": 10000,
    "goals": 5000,
    "medications": 5000,
}
"""How long each written answer may be: the page's form and the API take these."""

REQUIRED_TO_SEND = {
    "phone": "Add a phone number we can reach you on.",
    "emergency_contact_name": "Add someone we can call in an emergency.",
    "emergency_contact_phone": "Add your emergency contact's phone number.",
    "goals": "Tell us, in a few words, what you would like to change.",
    "medications": 'List the medicines you take, or write "none".',
}


def missing_to_send(values: Mapping[str, str]) -> dict[str, str]:
    """Each field still needed to send the intake, with what to do (in form order)."""
    return {
        name: message
        for name, message in REQUIRED_TO_SEND.items()
        if not str(values.get(name, "")).strip()
    }
