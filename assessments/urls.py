from django.urls import path

from . import views

app_name = "assessments"

# Mounted under /o/<org_slug>/assessments/: every view here is wrapped in organisation_view.
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="new"),
    path("report/", views.maturity_report, name="report"),
    path("report.pdf", views.maturity_report_pdf, name="report_pdf"),
    path("<int:round_id>/", views.round_detail, name="round"),
    path("<int:round_id>/status/", views.round_status, name="status"),
    path("<int:round_id>/people/", views.respondents_add_view, name="add_people"),
    path(
        "<int:round_id>/people/<int:respondent_id>/link/",
        views.respondent_link,
        name="respondent_link",
    ),
    path(
        "<int:round_id>/people/<int:respondent_id>/revoke/",
        views.respondent_revoke,
        name="respondent_revoke",
    ),
    path("<int:round_id>/results/", views.round_results_view, name="results"),
    path("answer/<int:respondent_id>/", views.answer, name="answer"),
    path("answer/<int:respondent_id>/<slug:axis>/", views.answer_axis, name="answer_axis"),
]

# Outside /o/<org_slug>/: a respondent's personal link (mounted from config/urls.py).
link_urls = [path("a/<str:token>/", views.respondent_link_open, name="assessment_link")]
