from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "rightsdesk.content"
    label = "content"
    verbose_name = "Public pages and their translations"
