from django.urls import path

from . import quality_views, views

app_name = "catalog"

urlpatterns = [
    path("services/", views.service_type_list, name="service_type_list"),
    path("services/new/", views.service_type_form, name="service_type_create"),
    path("services/<int:pk>/", views.service_type_form, name="service_type_edit"),
    path("services/<int:pk>/retire/", views.service_type_retire, name="service_type_retire"),
    path("services/<int:pk>/delete/", views.service_type_delete, name="service_type_delete"),
    path("prices/", views.price_list, name="price_list"),
    path("prices/new/", views.price_form, name="price_create"),
    path("prices/<int:pk>/", views.price_form, name="price_edit"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_form, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_form, name="provider_edit"),
    path("providers/<int:pk>/contracts/new/", quality_views.contract_new, name="contract_create"),
    path("providers/<int:pk>/capacity/", quality_views.capacity_new, name="capacity_set"),
    path(
        "providers/<int:pk>/complaints/new/", quality_views.complaint_new, name="complaint_create"
    ),
    path(
        "complaints/<int:pk>/resolve/",
        quality_views.complaint_resolve_page,
        name="complaint_resolve",
    ),
    path(
        "providers/<int:pk>/registrations/new/",
        views.registration_form,
        name="registration_create",
    ),
    path(
        "providers/<int:pk>/registrations/<int:item_pk>/",
        views.registration_form,
        name="registration_edit",
    ),
    path("providers/<int:pk>/locations/new/", views.location_form, name="location_create"),
    path("providers/<int:pk>/locations/<int:item_pk>/", views.location_form, name="location_edit"),
    path("providers/<int:pk>/tariffs/new/", views.tariff_form, name="tariff_create"),
    path("providers/<int:pk>/tariffs/<int:item_pk>/", views.tariff_form, name="tariff_edit"),
    path("providers/<int:pk>/members/new/", views.member_add, name="member_add"),
    path(
        "providers/<int:pk>/members/<int:item_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("transfer/", views.transfer, name="transfer"),
    path("export/<str:what>.<str:fmt>", views.export, name="export"),
]
