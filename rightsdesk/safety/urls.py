from django.urls import URLPattern, path

from rightsdesk.safety import views
from rightsdesk.safety.checkup import urls as checkup_urls
from rightsdesk.safety.lessons import urls as lesson_urls
from rightsdesk.safety.workflows import urls as workflow_urls

app_name = "safety"

urlpatterns: list[URLPattern] = [
    path("footprint/", views.footprint, name="footprint"),
    *lesson_urls.urlpatterns,
    *checkup_urls.urlpatterns,
    *workflow_urls.urlpatterns,
]
