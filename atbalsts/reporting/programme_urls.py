from django.urls import path

from . import programme_views

app_name = "programme"

urlpatterns = [
    path("", programme_views.programme, name="programme"),
    path("envelopes/new/", programme_views.envelope_set, name="envelope_set"),
    path("co-financing/new/", programme_views.co_financing_set, name="co_financing_set"),
    path("municipalities/", programme_views.municipalities, name="municipalities"),
]
