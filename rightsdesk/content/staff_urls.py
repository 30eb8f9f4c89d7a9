from django.urls import URLPattern, path

from rightsdesk.content import staff_views

app_name = "content_staff"

urlpatterns: list[URLPattern] = [
    path("", staff_views.overview, name="pages"),
    path("translate/<slug:slug>/<str:language>/", staff_views.translate, name="translate"),
    path("po/", staff_views.catalogues, name="catalogues"),
    path("po/<str:language>/", staff_views.catalogue_export, name="catalogue-export"),
    path("pages/new/", staff_views.page_create, name="page-create"),
    path("pages/<slug:slug>/", staff_views.page_edit, name="page-edit"),
    path("pages/<slug:slug>/banner/", staff_views.page_banner, name="page-banner"),
]
