from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "rightsdesk.safety"
    label = "safety"
    verbose_name = "Digital safety centre"
