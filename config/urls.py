"""The site's URL map."""

from django.contrib import admin
from django.urls import include, path

from atbalsts.api.api import api
from atbalsts.operations.views import healthz

urlpatterns = [
    path("", include("atbalsts.reporting.urls")),
    path("people/", include("atbalsts.people.urls")),
    path("assessment/", include("atbalsts.assessment.urls")),
    path("catalog/", include("atbalsts.catalog.urls")),
    path("plans/", include("atbalsts.plans.urls")),
    path("delivery/", include("atbalsts.delivery.urls")),
    path("billing/", include("atbalsts.billing.urls")),
    path("programme/", include("atbalsts.reporting.programme_urls")),
    path("import/", include("atbalsts.bundle.urls")),
    path("account/", include("atbalsts.accounts.urls")),
    path("pazinojumi/", include("atbalsts.notifications.urls")),
    path("datu-aizsardziba/", include("atbalsts.privacy.urls")),
    path("darbi/", include("atbalsts.jobs.urls")),
    path("registri/", include("atbalsts.registers.urls")),
    path("adreses/", include("atbalsts.addresses.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
# No URL serves MEDIA_ROOT or PRIVATE_MEDIA_ROOT: uploaded files are served only by views
# that ask a policy (e.g. delivery:session_evidence).
