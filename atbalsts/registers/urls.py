from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("vietas/", views.places, name="places"),
    path("tuvuma/<int:pk>/", views.near, name="near"),
    path("tuvuma/<int:pk>/transports/", views.transport_add, name="transport_add"),
]
