"""Public pages, split into translation units, and their per-unit translations.

A page's source text lives in the repository (``content/<language>/<slug>.md``) and is loaded into
these tables, where editors and translators work on it. Every unit keeps a hash of its source text;
a translation records the hash of the source it was made from, so a changed source unit makes its
translations outdated without anyone having to remember to flag them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PageKind(models.TextChoices):
    PAGE = "page", _("Page")
    CRISIS = "crisis", _("Crisis page")
    GLOSSARY = "glossary", _("Glossary")
    TOPIC = "topic", _("Safety topic")
    LESSON = "lesson", _("Safety lesson")
    WORKFLOW = "workflow", _("Emergency workflow")


# Kinds an editor may give a page on the site; the others are read in their own places, under
# rules that only their source files (and ``content sync``) hold them to.
EDITABLE_KINDS = (PageKind.PAGE, PageKind.CRISIS)


class Page(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=PageKind.choices, default=PageKind.PAGE)
    source_language = models.CharField(max_length=12, default="en")
    published = models.BooleanField(default=True)
    # Crisis pages only: whether the home page shows a banner pointing to this page.
    banner = models.BooleanField(default=False)
    # Position in the site menu; pages without one are reached by links only.
    menu_order = models.PositiveSmallIntegerField(null=True, blank=True)
    # Where a page of the safety centre belongs: a lesson's ``topic`` and ``level``, the
    # ``position`` of a topic, lesson or workflow (see ``source.PLACING_FIELDS``).
    details = models.JSONField(default=dict, blank=True)
    # Where the page was loaded from, and the file's hash then: ``content sync`` skips a file
    # that has not changed, and refuses to overwrite edits made on the site since.
    source_path = models.CharField(max_length=255, blank=True)
    source_file_hash = models.CharField(max_length=64, blank=True)
    edited_on_site_at = models.DateTimeField(null=True, blank=True)
    # When the source text last changed (any unit added, changed or removed).
    updated_at = models.DateTimeField()
    # Bumped on every change to the page or one of its translations; part of the cache keys.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["menu_order", "slug"]

    def __str__(self) -> str:
        return self.slug


class Unit(models.Model):
    """A paragraph-sized piece of a page: a heading, a paragraph, a list, or a front-matter field
    (``title``, ``summary``, ``region``). ``key`` is stable across edits elsewhere on the page."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="units")
    key = models.CharField(max_length=32)
    position = models.PositiveIntegerField()
    text = models.TextField()
    source_hash = models.CharField(max_length=64)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["page", "position"]
        constraints = [
            models.UniqueConstraint(fields=["page", "key"], name="content_unit_key_unique"),
        ]

    def __str__(self) -> str:
        return self.unit_id

    @property
    def unit_id(self) -> str:
        """The id translators see (and PO files carry as ``msgctxt``): ``<page slug>/<key>``."""
        return f"{self.page.slug}/{self.key}"


class Translation(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=12)
    text = models.TextField()
    # The source version this translation was made from (or confirmed against).
    source_hash = models.CharField(max_length=64)
    source_text = models.TextField()
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "language"], name="content_translation_language_unique"
            ),
        ]
        indexes = [models.Index(fields=["language", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit.unit_id} [{self.language}]"

    @property
    def outdated(self) -> bool:
        return self.source_hash != self.unit.source_hash


class PageLanguageStats(models.Model):
    """Cached completeness of one page in one language; refreshed whenever a unit or one of its
    translations changes. ``translated`` counts up-to-date translations only."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="language_stats")
    language = models.CharField(max_length=12)
    total = models.PositiveIntegerField()
    translated = models.PositiveIntegerField()
    outdated = models.PositiveIntegerField()
    percent = models.PositiveSmallIntegerField()
    # The latest change to the page as read in this language: its source or a translation.
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="content_stats_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.page.slug} [{self.language}] {self.percent}%"


class ContentState(models.Model):
    """One row: a counter bumped by every content change, so that every server process can tell
    in one indexed read whether the pages it has cached are still current."""

    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content generation {self.generation}"


class SearchDocument(models.Model):
    """A page as read in one language, in plain text, for the public search."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="search_documents")
    language = models.CharField(max_length=12)
    title = models.TextField()
    body = models.TextField()
    # ``title`` and ``body`` normalised for the full-text index (see content/search.py).
    terms = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="content_search_unique"),
        ]
        indexes = [models.Index(fields=["language"])]

    def __str__(self) -> str:
        return f"{self.page.slug} [{self.language}]"


class SyncedFile(models.Model):
    """A file of the ``content/`` tree as ``content sync`` last loaded it: a file whose hash has
    not changed since is skipped, so edits made on the site since then are not overwritten."""

    path = models.CharField(max_length=255, unique=True)
    file_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.path
