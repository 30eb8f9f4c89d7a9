from django.urls import path

from rightsdesk.cases import tool_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    # Before "<str:reference>/", which would otherwise take "search" for a reference.
    path("search/", tool_views.case_search, name="search"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/links/", tool_views.case_link, name="link"),
    path("<str:reference>/links/remove/", tool_views.case_unlink, name="unlink"),
    path("<str:reference>/merge/", tool_views.case_merge, name="merge"),
    path("<str:reference>/export/", tool_views.case_export, name="export"),
    path("<str:reference>/reply/", views.case_reply, name="reply"),
    path("<str:reference>/note/", views.case_note, name="note"),
    path("<str:reference>/status/", views.case_status, name="status"),
    path("<str:reference>/due/", views.case_due, name="due"),
    path("<str:reference>/tags/", views.case_tags, name="tags"),
    path("<str:reference>/legal-hold/", views.case_legal_hold, name="legal-hold"),
    path("<str:reference>/assign/", views.case_assign, name="assign"),
    path("<str:reference>/grants/", views.case_grant, name="grant"),
    path("<str:reference>/grants/<int:member_id>/revoke/", views.case_revoke, name="revoke"),
    path("<str:reference>/access/", views.case_access_request, name="access-request"),
    path(
        "<str:reference>/access/<int:request_id>/",
        views.case_access_decide,
        name="access-decide",
    ),
    path("<str:reference>/files/<uuid:file_uuid>/", views.case_file, name="file"),
]
