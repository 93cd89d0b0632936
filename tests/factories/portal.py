"""The portal: a client's own account, its invitations, the notices the care team reads
and the journal."""

import factory

from kapcare.people.models import ClientAccount
from kapcare.portal.models import CareTeamNotice, Intake, JournalEntry, PortalInvitation
from tests.factories._base import RECORDED_AT
from tests.factories.people import ClientFactory, StaffFactory, UserFactory


class ClientAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientAccount

    user = factory.SubFactory(UserFactory)
    client = factory.SubFactory(ClientFactory)
    created_at = RECORDED_AT


class CareTeamNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamNotice

    client = factory.SubFactory(ClientFactory)
    kind = "consent_revoked"
    created_at = RECORDED_AT


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalEntry

    client = factory.SubFactory(ClientFactory)
    kind = "journal"
    body = "Something softened in how I met the part that braces."
    written_at = RECORDED_AT


class PortalInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation not yet sent (no link yet)."""

    class Meta:
        model = PortalInvitation

    client = factory.SubFactory(ClientFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.com")
    invited_by = factory.SubFactory(StaffFactory)
    created_at = RECORDED_AT


class IntakeFactory(factory.django.DjangoModelFactory):
    """A draft intake (not sent)."""

    class Meta:
        model = Intake

    client = factory.SubFactory(ClientFactory)
    goals = "To feel safe when someone gets close."
    saved_at = RECORDED_AT
