from django.urls import path

from rightsdesk.accounts import recovery_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/authenticator/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="logout"),
    path("members/", views.members, name="members"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("account/recovery-key/", views.recovery_key, name="recovery-key"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/recover/", recovery_views.account_recover, name="account-recover"),
    path(
        "members/<str:username>/reset-key/",
        recovery_views.member_key_reset,
        name="member-key-reset",
    ),
    path(
        "members/<str:username>/escrow-restore/",
        recovery_views.member_escrow_restore,
        name="member-escrow-restore",
    ),
]
