"""Mounted under /o/<org_slug>/exports/."""

from django.urls import path

from . import export_views

app_name = "exports"

urlpatterns = [
    path("<int:export_id>/", export_views.export_detail, name="detail"),
    path("<int:export_id>/download/", export_views.export_download, name="download"),
]
