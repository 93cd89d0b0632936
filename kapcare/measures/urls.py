from django.urls import path

from kapcare.measures import views

app_name = "measures"

urlpatterns = [
    # Public: the client's completion link (no sign-in; the token is the only key).
    path("complete/done/", views.complete_done, name="complete-done"),
    path("complete/form/", views.complete_form, name="complete-form"),
    path("complete/<str:token>/", views.complete, name="complete"),
    # Staff pages reached from the chart.
    path("clients/<int:client_id>/measures/assign/", views.assign, name="assign"),
    path(
        "clients/<int:client_id>/measures/assignments/<int:assignment_id>/end/",
        views.end_assignment,
        name="end-assignment",
    ),
    path("clients/<int:client_id>/measures/link/", views.issue_link, name="issue-link"),
    path(
        "clients/<int:client_id>/measures/links/<int:link_id>/withdraw/",
        views.withdraw_link,
        name="withdraw-link",
    ),
    path("clients/<int:client_id>/measures/<str:code>/enter/", views.enter, name="enter"),
    path(
        "clients/<int:client_id>/risk-flags/<int:flag_id>/review/",
        views.review_flag,
        name="review-flag",
    ),
]
