from django.urls import path

from . import views

app_name = "workshops"

_board = "<int:workshop_id>/board/<int:activity_id>/"
_note = _board + "notes/<int:note_id>/"

# Mounted under /o/<org_slug>/workshops/: every view here is wrapped in organisation_view.
urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("new/", views.workshop_new, name="new"),
    path("<int:workshop_id>/", views.workshop_detail, name="detail"),
    path("<int:workshop_id>/settings/", views.workshop_settings, name="settings"),
    path("<int:workshop_id>/lobby/", views.lobby, name="lobby"),
    path("<int:workshop_id>/activities/", views.activity_add, name="activity_add"),
    path(
        "<int:workshop_id>/activities/<int:activity_id>/",
        views.activity_edit,
        name="activity_edit",
    ),
    path(
        "<int:workshop_id>/activities/<int:activity_id>/move/",
        views.activity_move,
        name="activity_move",
    ),
    path(
        "<int:workshop_id>/activities/<int:activity_id>/remove/",
        views.activity_remove,
        name="activity_remove",
    ),
    path("<int:workshop_id>/save-as-template/", views.agenda_save, name="agenda_save"),
    path("<int:workshop_id>/end/", views.workshop_end, name="end"),
    path(
        "<int:workshop_id>/people/<int:participant_id>/admit/",
        views.participant_admit,
        name="admit",
    ),
    path(
        "<int:workshop_id>/open-actions/<int:action_id>/done/",
        views.action_done,
        name="action_done",
    ),
    path("<int:workshop_id>/preparation/", views.preparation, name="preparation"),
    path("<int:workshop_id>/checklist/", views.checklist_add, name="checklist_add"),
    path("<int:workshop_id>/checklist/<int:item_id>/", views.checklist_tick, name="checklist_tick"),
    path("<int:workshop_id>/invitation/", views.invitation, name="invitation"),
    path("<int:workshop_id>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:workshop_id>/outcomes.pdf", views.report_pdf, name="report_pdf"),
    path(_board, views.board, name="board"),
    path(_board + "stream/", views.board_stream, name="stream"),
    path(_board + "poll/", views.board_poll, name="poll"),
    path(_board + "start/", views.start, name="start"),
    path(_board + "phase/", views.phase, name="phase"),
    path(_board + "timer/", views.timer, name="timer"),
    path(_board + "reveal-votes/", views.reveal_votes, name="reveal_votes"),
    path(_board + "board.csv", views.board_csv, name="board_csv"),
    path(_board + "board.pdf", views.board_pdf, name="board_pdf"),
    path(_board + "groups/<int:cluster_id>/", views.cluster_rename, name="cluster_rename"),
    path(_board + "notes/", views.note_add, name="note_add"),
    path(_note, views.note_edit, name="note_edit"),
    path(_note + "move/", views.note_move, name="note_move"),
    path(_note + "delete/", views.note_delete, name="note_delete"),
    path(_note + "group/", views.note_group, name="note_group"),
    path(_note + "vote/", views.note_vote, name="note_vote"),
    path(_note + "merge/", views.note_merge, name="note_merge"),
    path(_note + "promote/", views.note_promote, name="note_promote"),
]

# Outside /o/<org_slug>/: joining by code or link (mounted from config/urls.py).
join_urls = [
    path("join/", views.join, name="workshop_join"),
    path("join/<str:code>/", views.join_code, name="workshop_join_code"),
]
