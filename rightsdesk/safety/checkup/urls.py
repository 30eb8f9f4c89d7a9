from django.urls import URLPattern, path

from rightsdesk.safety.checkup import views

# Included in ``rightsdesk.safety.urls`` (namespace ``safety``).
urlpatterns: list[URLPattern] = [
    path("checkup/", views.checkup, name="checkup"),
    path("checkup/plan/", views.checkup_plan, name="checkup-plan"),
]
