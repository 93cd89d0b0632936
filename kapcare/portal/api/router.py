"""The portal's one router (tag "portal"), shared by its API modules."""

from ninja import Router

router = Router(tags=["portal"])
