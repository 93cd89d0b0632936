"""The portal's front page: the next sessions and the care team."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kapcare.core import clock
from kapcare.people.models import CareTeamMember
from kapcare.people.policy import Category, Role
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.models import Intake
from kapcare.portal.tasks_list import questionnaire_tasks
from kapcare.portal.upcoming import upcoming_sessions


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.SCHEDULE, detail="portal:home")
    team = [
        (member.staff.user.full_name, Role(member.role).label)
        for member in CareTeamMember.objects.filter(client=client).select_related("staff__user")
    ]
    return render(
        request,
        "portal/home.html",
        {
            "client": client,
            "sessions": upcoming_sessions(client, now=clock.now(), limit=3),
            "team": team,
            "tasks": questionnaire_tasks(client, now=clock.now()),
            "intake": Intake.objects.filter(client=client).first(),
        },
    )
