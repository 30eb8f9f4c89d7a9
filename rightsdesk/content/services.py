"""Every change to public pages and their translations goes through these functions.

Each one owns its transaction, refreshes the completeness figures it affects, re-indexes the page
for search, and bumps the content generation so that every server process drops the rendered
pages it cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from rightsdesk.accounts.models import StaffMember
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.content import search
from rightsdesk.content.checks import translation_problems
from rightsdesk.content.models import (
    ContentState,
    Page,
    PageLanguageStats,
    Translation,
    Unit,
)
from rightsdesk.content.source import SourcePage, text_hash
from rightsdesk.core.clock import now


class TranslationRejected(Exception):
    """The translation lost or added a placeholder or a link; ``problems`` says which."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class PageChange:
    page: Page
    created: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    settings_changed: bool = False

    @property
    def any(self) -> bool:
        return bool(
            self.created or self.added or self.changed or self.removed or self.settings_changed
        )


def shipped_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def target_languages(page: Page) -> list[str]:
    """The languages a page can be translated into: every shipped one but its own."""
    return [code for code in shipped_languages() if code != page.source_language]


GENERATION_SQL = f"SELECT generation FROM {ContentState._meta.db_table} WHERE id = 1"  # noqa: S608


def content_generation() -> int:
    """The current content generation (0 before anything was ever loaded).

    Every public page served from the cache asks for it, so it skips the ORM: compiling the
    query costs ten times more than running it.
    """
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def content_changed() -> None:
    """Mark every cached rendering of public content as stale, in every process."""
    updated = ContentState.objects.filter(pk=1).update(generation=F("generation") + 1)
    if not updated:
        ContentState.objects.get_or_create(pk=1, defaults={"generation": 1})


def pages_changed(pages: Iterable[Page]) -> None:
    """After a change to one page or several (a PO import, say): bump each page's revision and
    re-index it, then bump the content generation once."""
    pages = list(pages)
    for page in pages:
        Page.objects.filter(pk=page.pk).update(revision=F("revision") + 1)
        page.refresh_from_db(fields=["revision"])
        search.index_page(page)
    if pages:
        content_changed()


def page_stats_refresh(page: Page, languages: Iterable[str] | None = None) -> None:
    """Recount completeness for ``page`` in ``languages`` (every target language by default)."""
    units = list(page.units.values_list("id", "source_hash"))
    current = dict(units)
    total = len(units)
    for language in languages if languages is not None else target_languages(page):
        if language == page.source_language:
            continue
        rows = Translation.objects.filter(unit__page=page, language=language).values_list(
            "unit_id", "source_hash", "updated_at"
        )
        translated = outdated = 0
        latest: datetime = page.updated_at
        for unit_id, source_hash, updated_at in rows:
            if source_hash == current.get(unit_id):
                translated += 1
            else:
                outdated += 1
            latest = max(latest, updated_at)
        percent = (translated * 100 // total) if total else 0
        PageLanguageStats.objects.update_or_create(
            page=page,
            language=language,
            defaults={
                "total": total,
                "translated": translated,
                "outdated": outdated,
                "percent": percent,
                "updated_at": latest,
            },
        )


def page_apply_source(
    *, source: SourcePage, actor: StaffMember | None = None, on_site: bool = False
) -> PageChange:
    """Create or update a page from its parsed source.

    Units are matched by key: a unit whose text changed keeps its translations, which thereby
    become outdated; a unit no longer in the source is deleted with its translations. ``on_site``
    marks an edit made in the staff pages (``content sync`` will not overwrite it silently).
    """
    at = now()
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(slug=source.slug).first()
        change = PageChange(page=page or Page(slug=source.slug, updated_at=at))
        page = change.page
        if page.pk is None:
            change.created = True
        wanted = {
            "kind": source.kind,
            "source_language": source.language,
            "published": source.published,
            "menu_order": source.menu,
        }
        if change.created:
            wanted["banner"] = source.banner
        if source.details is not None:
            wanted["details"] = source.details
        for name, value in wanted.items():
            if getattr(page, name) != value:
                setattr(page, name, value)
                change.settings_changed = not change.created
        if on_site:
            page.edited_on_site_at = at
        else:
            page.source_path = source.path
            page.source_file_hash = source.file_hash
            page.edited_on_site_at = None
        page.save()
        existing = {unit.key: unit for unit in page.units.all()}
        for position, item in enumerate(source.units):
            digest = text_hash(item.text)
            unit = existing.pop(item.key, None)
            if unit is None:
                Unit.objects.create(
                    page=page,
                    key=item.key,
                    position=position,
                    text=item.text,
                    source_hash=digest,
                    changed_at=at,
                )
                change.added.append(item.key)
                continue
            if unit.source_hash != digest or unit.text != item.text:
                if unit.source_hash != digest:
                    change.changed.append(item.key)
                    unit.changed_at = at
                unit.text = item.text
                unit.source_hash = digest
            unit.position = position
            unit.save()
        for key, unit in existing.items():
            unit.delete()
            change.removed.append(key)
        if change.added or change.changed or change.removed:
            page.updated_at = at
            page.save(update_fields=["updated_at"])
        if change.any:
            page_stats_refresh(page)
            pages_changed([page])
            audit_record(
                action=Action.CONTENT_CHANGE,
                actor=actor,
                detail={
                    "page": page.slug,
                    "created": change.created,
                    "added": len(change.added),
                    "changed": len(change.changed),
                    "removed": len(change.removed),
                },
            )
    return change


def translation_save(
    *, unit: Unit, language: str, text: str, actor: StaffMember | None
) -> Translation | None:
    """Store ``text`` as the ``language`` translation of the unit's current source.

    An empty text removes the translation (the unit then shows its source text again). Raises
    :class:`TranslationRejected` when a placeholder or a link of the source is lost or added.
    """
    if language not in shipped_languages() or language == unit.page.source_language:
        raise TranslationRejected(
            [_("This page is not translated into %(language)s.") % {"language": language}]
        )
    text = text.strip()
    if text:
        problems = translation_problems(unit.text, text)
        if problems:
            raise TranslationRejected(problems)
    with transaction.atomic():
        translation: Translation | None
        if not text:
            Translation.objects.filter(unit=unit, language=language).delete()
            translation = None
        else:
            translation, _created = Translation.objects.update_or_create(
                unit=unit,
                language=language,
                defaults={
                    "text": text,
                    "source_hash": unit.source_hash,
                    "source_text": unit.text,
                    "translated_by": actor,
                    "updated_at": now(),
                },
            )
        page_stats_refresh(unit.page, [language])
        pages_changed([unit.page])
        audit_record(
            action=Action.TRANSLATION_CHANGE,
            actor=actor,
            detail={"unit": unit.unit_id, "language": language, "removed": translation is None},
        )
    return translation


def translation_confirm(*, translation: Translation, actor: StaffMember | None) -> Translation:
    """Mark an outdated translation as still valid for the unit's current source."""
    unit = translation.unit
    with transaction.atomic():
        translation.source_hash = unit.source_hash
        translation.source_text = unit.text
        translation.translated_by = actor
        translation.updated_at = now()
        translation.save()
        page_stats_refresh(unit.page, [translation.language])
        pages_changed([unit.page])
        audit_record(
            action=Action.TRANSLATION_CHANGE,
            actor=actor,
            detail={"unit": unit.unit_id, "language": translation.language, "confirmed": True},
        )
    return translation


def page_banner_set(*, page: Page, on: bool, actor: StaffMember | None) -> Page:
    """Show or hide a crisis page's banner on the home page."""
    with transaction.atomic():
        page.banner = on
        page.save(update_fields=["banner"])
        pages_changed([page])
        audit_record(
            action=Action.CONTENT_CHANGE,
            actor=actor,
            detail={"page": page.slug, "banner": on},
        )
    return page


class TranslationChanged(Exception):
    """Someone else saved, changed or removed the translation since the editor opened it."""

    def __init__(self, current: Translation | None) -> None:
        super().__init__("the translation was changed meanwhile")
        self.current = current


def translation_version(translation: Translation | None) -> str:
    """What an editor's form carries to say which version of a translation they started from."""
    return translation.updated_at.isoformat() if translation is not None else ""


def translation_edit(
    *, unit: Unit, language: str, text: str, based_on: str, actor: StaffMember | None
) -> Translation | None:
    """:func:`translation_save`, unless the translation changed since the version ``based_on``
    (see :func:`translation_version`): then :class:`TranslationChanged`, so that two translators
    never silently overwrite each other. Saving the text that is already there is no conflict."""
    with transaction.atomic():
        current = (
            Translation.objects.select_for_update().filter(unit=unit, language=language).first()
        )
        if translation_version(current) != based_on:
            same = current.text if current is not None else ""
            if same != text.strip():
                raise TranslationChanged(current)
        return translation_save(unit=unit, language=language, text=text, actor=actor)
