from django.urls import URLPattern, path

from rightsdesk.safety import views

app_name = "safety"

urlpatterns: list[URLPattern] = [
    path("footprint/", views.footprint, name="footprint"),
]
