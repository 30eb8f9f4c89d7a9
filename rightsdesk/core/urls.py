from django.urls import path

from rightsdesk.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("cover-your-tracks/", views.cover_tracks, name="cover-tracks"),
]
