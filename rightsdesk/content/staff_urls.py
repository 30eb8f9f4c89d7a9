from django.urls import URLPattern

app_name = "content_staff"

urlpatterns: list[URLPattern] = []
