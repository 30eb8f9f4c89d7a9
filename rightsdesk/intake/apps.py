from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "rightsdesk.intake"
    label = "intake"
    verbose_name = "Confidential intake"
