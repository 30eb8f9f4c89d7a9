from django.urls import URLPattern, path

from rightsdesk.safety.workflows import views

# Included in ``rightsdesk.safety.urls`` (namespace ``safety``).
urlpatterns: list[URLPattern] = [
    path("emergency/", views.emergencies, name="emergencies"),
    path("emergency/<slug:slug>/", views.workflow_start, name="workflow"),
    path("emergency/<slug:slug>/<slug:node>/", views.workflow_node, name="workflow-node"),
    path("emergency/<slug:slug>/<slug:node>/ask/", views.workflow_ask, name="workflow-ask"),
]
