from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from rightsdesk.content.kinds import source_problems
from rightsdesk.content.models import EDITABLE_KINDS, Page, PageKind
from rightsdesk.content.services import shipped_languages
from rightsdesk.content.source import (
    SLUG,
    SourceError,
    SourcePage,
    SourceUnit,
    assign_keys,
    parse_body,
)

TEXT_LIMIT = 50_000
PO_SIZE_LIMIT = 5 * 1024 * 1024
# Words that name other parts of the site under the language prefix (see content/urls.py).
RESERVED_SLUGS = frozenset({"api", "staff", "report", "static", "language", "healthz"})


def language_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{get_language_info(code)['name_local']} ({code})") for code in shipped_languages()
    ]


class LanguageFilterForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["language"])
        field.choices = [("", _("All languages")), *language_choices()]


class TranslationForm(forms.Form):
    """One unit's translation. ``based_on`` is the version the translator started from."""

    text = forms.CharField(
        label=_("Translation"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)


class CatalogueUploadForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the translations"))
    catalogue = forms.FileField(
        label=_("PO file"),
        help_text=_("A catalogue exported from this page, translated here or in Weblate."),
    )
    keep_site_edits = forms.BooleanField(
        label=_("Keep translations changed on this site after the file was downloaded"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["language"])
        field.choices = language_choices()

    def clean_catalogue(self) -> str:
        upload = self.cleaned_data["catalogue"]
        if upload.size > PO_SIZE_LIMIT:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.")
                % {"limit": PO_SIZE_LIMIT // (1024 * 1024)}
            )
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not a text file in UTF-8; save it as UTF-8 and try again.")
            ) from None


def _one_line(value: str) -> str:
    return " ".join(value.split())


class PageSourceForm(forms.Form):
    """A page's source as editors write it: front-matter fields, and the body in Markdown with a
    ``<!--T:n-->`` marker before each block that already has translations."""

    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=600,
        help_text=_("One sentence shown under the title and in search results."),
    )
    region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=300,
        help_text=_("Crisis pages: the country or region the page is about."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of page"), choices=[(kind.value, kind.label) for kind in EDITABLE_KINDS]
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        help_text=_(
            "Markdown. Keep each <!--T:n--> line above its paragraph: it ties the paragraph to "
            "its translations. A paragraph without one is new and gets a number when you save."
        ),
        widget=forms.Textarea(attrs={"rows": 24, "dir": "auto"}),
        validators=[MaxLengthValidator(TEXT_LIMIT * 4)],
    )
    published = forms.BooleanField(label=_("Published"), required=False)
    menu = forms.IntegerField(
        label=_("Position in the site menu"),
        required=False,
        min_value=0,
        max_value=999,
        help_text=_("Leave empty for a page that is reached by links only."),
    )
    updated = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, page: Page | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page = page
        language = page.source_language if page is not None else settings.LANGUAGE_CODE
        for name in ("title", "summary", "region", "body"):
            self.fields[name].widget.attrs["lang"] = language
        if page is not None and page.kind not in EDITABLE_KINDS:
            # A lesson stays a lesson: its kind decides where it is read and what it must hold.
            field = cast(forms.ChoiceField, self.fields["kind"])
            field.choices = [(page.kind, PageKind(page.kind).label)]
            field.disabled = True
            self.initial["kind"] = page.kind
        # True when the page's text changed since the editor opened it (see clean()).
        self.conflict = False

    def slug_value(self) -> str:
        return self.page.slug if self.page is not None else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        page = self.page
        if page is not None and cleaned.get("updated") != page.updated_at.isoformat():
            # Shown again with what the editor typed, now based on the current text: saving
            # once more, after comparing, replaces it.
            self.conflict = True
            self.data = {**self.data, "updated": page.updated_at.isoformat()}
            self.add_error(
                None,
                _(
                    "Someone else changed this page's text while you were editing it. Your text "
                    "is below; compare it with the page as it is now before saving again."
                ),
            )
            return cleaned
        try:
            body_units = parse_body(cleaned.get("body") or "")
        except SourceError as error:
            self.add_error(
                "body",
                _("Line %(line)s: %(message)s") % {"line": error.line, "message": error.message},
            )
            return cleaned
        taken = set(page.units.values_list("key", flat=True)) if page is not None else set()
        units = [
            SourceUnit(key=name, text=_one_line(cleaned[name]))
            for name in ("title", "summary", "region")
            if _one_line(cleaned.get(name) or "")
        ]
        units += assign_keys(body_units, taken)
        cleaned["source"] = SourcePage(
            slug=self.slug_value(),
            kind=cleaned["kind"],
            language=page.source_language if page is not None else settings.LANGUAGE_CODE,
            published=cleaned["published"],
            banner=page.banner if page is not None else False,
            menu=cleaned.get("menu"),
            units=tuple(units),
            path=page.source_path if page is not None else "",
            file_hash=page.source_file_hash if page is not None else "",
            details=None,
        )
        for problem in source_problems([cleaned["source"]], whole_tree=False):
            self.add_error("body", problem.message)
        return cleaned


class PageCreateForm(PageSourceForm):
    slug = forms.CharField(
        label=_("Address"),
        max_length=80,
        help_text=_("Lower-case letters, digits and single hyphens, as in office-hours."),
    )
    field_order = ["slug", "title"]

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"]).strip()
        if not SLUG.match(slug):
            raise forms.ValidationError(
                _("Use lower-case letters, digits and single hyphens only, as in office-hours.")
            )
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("“%(slug)s” names another part of the site; choose another address.")
                % {"slug": slug}
            )
        if Page.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A page with this address already exists."))
        return slug

    def slug_value(self) -> str:
        return str(self.cleaned_data["slug"])


class BannerForm(forms.Form):
    on = forms.BooleanField(required=False)
