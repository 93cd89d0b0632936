from django.urls import path

from kapcare.notes.views import emdr, parts, psychotherapy, session_notes, supervision

app_name = "notes"

urlpatterns = [
    path("appointments/<int:appointment_id>/note/", session_notes.note_start, name="note-start"),
    path("notes/<int:note_id>/", session_notes.note, name="note"),
    path("notes/<int:note_id>/cosign/", session_notes.note_cosign, name="note-cosign"),
    path("notes/<int:note_id>/emdr/", session_notes.note_emdr, name="note-emdr"),
    path("notes/<int:note_id>/addenda/", session_notes.note_addendum, name="note-addendum"),
    path("practice/note-supervision/", supervision.supervision, name="supervision"),
    path("clients/<int:client_id>/parts/", parts.parts_map, name="parts"),
    path("parts/<int:part_id>/", parts.part_edit, name="part"),
    path("clients/<int:client_id>/emdr/", emdr.targets, name="emdr"),
    path("emdr-targets/<int:target_id>/", emdr.target, name="emdr-target"),
    path(
        "clients/<int:client_id>/psychotherapy-notes/",
        psychotherapy.psychotherapy_notes,
        name="psychotherapy",
    ),
]
