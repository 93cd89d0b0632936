"""Every change to intensive plans and templates, and the planning and booking of a week.

Keyword-only arguments, an explicit ``actor`` and ``now``; clients are reached through
``people.access``; one transaction per change with its audit row inside.
"""

from kapcare.intensives.services.booking import book_intensives
from kapcare.intensives.services.planning import (
    Preference,
    plan_for_clients,
    solver_settings,
)
from kapcare.intensives.services.plans import (
    record_intensive_plan,
    record_template,
    save_preferences,
)

__all__ = [
    "Preference",
    "book_intensives",
    "plan_for_clients",
    "record_intensive_plan",
    "record_template",
    "save_preferences",
    "solver_settings",
]
