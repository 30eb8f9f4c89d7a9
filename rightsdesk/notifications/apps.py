from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rightsdesk.notifications"
    label = "notifications"
    verbose_name = "Staff notifications"
