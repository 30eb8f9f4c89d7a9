from django.urls import path

from rightsdesk.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/reply/", views.case_reply, name="reply"),
    path("<str:reference>/files/<uuid:file_uuid>/", views.case_file, name="file"),
]
