from django.urls import include, path

from organisations import urls as organisation_urls
from organisations.views import home

urlpatterns = [
    path("", home, name="home"),
    *organisation_urls.account_urls,
    path(
        "o/<slug:org_slug>/",
        include(
            [
                *organisation_urls.organisation_urls,
                path("journey/", include("journey.urls")),
                path("exports/", include("organisations.export_urls")),
            ]
        ),
    ),
]
