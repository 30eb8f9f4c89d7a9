"""A URL configuration with a staff view that forgot to declare its permission."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from rightsdesk.urls import urlpatterns as project_urlpatterns


def undeclared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("should never be shown")


urlpatterns = [path("undeclared/view/", undeclared, name="undeclared"), *project_urlpatterns]
