from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "rightsdesk.content"
    label = "content"
    verbose_name = "Public pages and their translations"

    def ready(self) -> None:
        from rightsdesk.content.glossary import glossary_problems
        from rightsdesk.content.kinds import kind_register

        # A glossary is read where any page is; only its entries are held to a shape.
        kind_register("glossary", check=glossary_problems)
