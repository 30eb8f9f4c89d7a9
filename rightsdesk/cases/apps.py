from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "rightsdesk.cases"
    label = "cases"
    verbose_name = "Cases"
