from django.urls import path

from rightsdesk.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("mark-read/", views.notifications_mark_read, name="mark-read"),
    path("preferences/", views.preferences, name="preferences"),
]
