from django.urls import include, path

from assessments import urls as assessment_urls
from kernel.views import healthz, readyz
from organisations import urls as organisation_urls
from organisations.views import home
from workshops import urls as workshop_urls

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    *organisation_urls.account_urls,
    *assessment_urls.link_urls,
    *workshop_urls.join_urls,
    path(
        "o/<slug:org_slug>/",
        include(
            [
                *organisation_urls.organisation_urls,
                path("journey/", include("journey.urls")),
                path("exports/", include("organisations.export_urls")),
                path("assessments/", include("assessments.urls")),
                path("champions/", include("champions.urls")),
                path("workshops/", include("workshops.urls")),
            ]
        ),
    ),
]
