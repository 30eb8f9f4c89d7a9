from django.urls import URLPattern, path, register_converter

from rightsdesk.content.source import LEVELS
from rightsdesk.safety.lessons import views


class LevelConverter:
    regex = "|".join(LEVELS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LevelConverter, "lesson_level")

# Included in ``rightsdesk.safety.urls`` (namespace ``safety``).
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("learn/", views.learn, name="learn"),
    path("learn/forget/", views.progress_reset, name="progress-reset"),
    path("learn/<slug:topic>/", views.topic, name="topic"),
    path("learn/<slug:topic>/<lesson_level:level>/", views.lesson, name="lesson"),
    path(
        "learn/<slug:topic>/<lesson_level:level>/progress/",
        views.lesson_progress,
        name="lesson-progress",
    ),
]
