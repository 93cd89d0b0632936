"""The scheduling API, one module per concern: ``appointments``, ``availability``,
``hours`` (working hours and time off), ``feeds``, ``settings``.

Thin: clients are reached through ``people.access`` and every change goes through
``scheduling.services``; these modules only translate shapes.
"""

from ninja import Router

from kapcare.scheduling.api import appointments, availability, feeds, hours, settings

__all__ = ["router"]

router = Router()
for module in (appointments, hours, availability, settings, feeds):
    router.add_router("", module.router)
