from django.urls import path

from . import views

app_name = "journey"

urlpatterns = [
    path("", views.journey_map, name="map"),
    path("canvases.pdf", views.journey_pdf, name="pdf"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("<int:number>/", views.step_detail, name="step"),
    path("<int:number>/status/", views.step_status, name="status"),
    path("<int:number>/plan/", views.step_plan_view, name="plan"),
    path("<int:number>/edit/", views.canvas_edit, name="edit"),
    path("<int:number>/canvas/", views.canvas_save_view, name="canvas"),
    path("<int:number>/canvas.pdf", views.canvas_pdf, name="canvas_pdf"),
    path("<int:number>/history/", views.canvas_history, name="history"),
    path("<int:number>/history/<int:version>/restore/", views.canvas_restore_view, name="restore"),
]
