from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "rightsdesk.safety"
    label = "safety"
    verbose_name = "Digital safety centre"

    def ready(self) -> None:
        from rightsdesk.safety.kinds import register_kinds

        register_kinds()
