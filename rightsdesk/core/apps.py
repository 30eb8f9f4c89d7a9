from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rightsdesk.core"
    label = "core"
    verbose_name = "rightsdesk core"
