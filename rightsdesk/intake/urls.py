from django.urls import path

from rightsdesk.intake import followup_views, views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("danger/", views.danger, name="danger"),
    path("emergency/", views.emergency, name="emergency"),
    path("scope/", views.scope, name="scope"),
    path("elsewhere/", views.elsewhere, name="elsewhere"),
    path("what/", views.what, name="what"),
    path("evidence/", views.evidence_step, name="evidence"),
    path("contact/", views.contact, name="contact"),
    path("review/", views.review, name="review"),
    path("sent/", views.sent, name="sent"),
    path("discard/", views.discard, name="discard"),
    path("followup/", followup_views.followup_home, name="followup"),
    path("followup/reply/", followup_views.followup_reply, name="followup-reply"),
    path("followup/files/", followup_views.followup_files, name="followup-files"),
    path("followup/withdraw/", followup_views.followup_withdraw, name="followup-withdraw"),
    path("followup/leave/", followup_views.followup_leave, name="followup-leave"),
]
