"""The translator and editor pages: completeness per page and language, translating a page unit
by unit beside its source, PO download and upload, and editing a page's source on the site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.permissions import Permission
from rightsdesk.content import po, selectors, services
from rightsdesk.content.forms import (
    BannerForm,
    CatalogueUploadForm,
    LanguageFilterForm,
    PageCreateForm,
    PageSourceForm,
    TranslationForm,
)
from rightsdesk.content.models import Page, PageKind, Translation
from rightsdesk.content.source import body_source, body_units, is_field


@dataclass(frozen=True)
class UnitForm:
    """One unit on the translate page: its state, its form, and after a conflict the version
    someone else saved meanwhile (None when they removed it)."""

    row: selectors.UnitRow
    form: TranslationForm
    conflict: bool = False
    theirs: Translation | None = None


def _language(code: str) -> dict[str, str]:
    """The ``lang`` and ``dir`` attributes for text in ``code``, and its name."""
    info = get_language_info(code)
    return {"code": code, "dir": "rtl" if info["bidi"] else "ltr", "name": info["name_local"]}


def _shipped_or_404(language: str) -> str:
    if language not in services.shipped_languages():
        raise Http404(language)
    return language


@never_cache
@require_GET
@staff_view(Permission.TRANSLATION_EDIT)
def overview(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    form = LanguageFilterForm(request.GET or None)
    language = str(form.cleaned_data["language"]) if form.is_valid() else ""
    columns = [language] if language else services.shipped_languages()
    rows = [
        (row, [row.figure(code) for code in columns])
        for row in selectors.translation_overview(language or None)
    ]
    return render(
        request,
        "content/staff/overview.html",
        {
            "form": form,
            "language": language,
            "columns": [_language(code) for code in columns],
            "rows": rows,
            "may_edit": member.has_permission(Permission.CONTENT_EDIT),
        },
    )


def _unit_form(row: selectors.UnitRow, target: dict[str, str], data: Any = None) -> TranslationForm:
    translation = row.translation
    form = TranslationForm(
        data,
        prefix=f"unit-{row.unit.key}",
        initial={
            "text": translation.text if translation is not None else "",
            "based_on": services.translation_version(translation),
        },
    )
    widget = form.fields["text"].widget
    widget.attrs.update({"lang": target["code"], "dir": target["dir"]})
    if row.is_field:
        widget.attrs["rows"] = 2
    return form


def _unit_url(page: Page, language: str, key: str) -> str:
    url = reverse("content_staff:translate", kwargs={"slug": page.slug, "language": language})
    return f"{url}#unit-{key}"


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.TRANSLATION_EDIT)
def translate(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """A page's units beside their source. Each unit has its own small form; a save comes back
    to the unit's anchor, and a refused one shows that unit again with what was typed."""
    member = acting_member(request)
    page = selectors.page_for_translation(slug, language)
    if page is None:
        raise Http404(slug)
    target = _language(language)
    bound: dict[str, TranslationForm] = {}
    changed: dict[str, Translation | None] = {}
    status = 200
    if request.method == "POST":
        key = request.POST.get("unit", "")
        rows = {row.unit.key: row for row in selectors.translation_units(page, language)}
        row = rows.get(key)
        if row is None:
            messages.error(request, _("This paragraph is no longer on the page."))
            return redirect("content_staff:translate", slug=page.slug, language=language)
        form = _unit_form(row, target, request.POST)
        bound[key] = form
        status = 400
        if form.is_valid():
            based_on = str(form.cleaned_data["based_on"])
            try:
                if request.POST.get("action") == "confirm":
                    _confirm(row, based_on, member)
                    done = _("The translation is marked as still valid.")
                else:
                    services.translation_edit(
                        unit=row.unit,
                        language=language,
                        text=str(form.cleaned_data["text"]),
                        based_on=based_on,
                        actor=member,
                    )
                    done = _("The translation was saved.")
            except services.TranslationRejected as rejected:
                for problem in rejected.problems:
                    form.add_error("text", problem)
            except services.TranslationChanged as conflict:
                fresh = request.POST.copy()
                fresh[form.add_prefix("based_on")] = services.translation_version(conflict.current)
                bound[key] = _unit_form(row, target, fresh)
                changed[key] = conflict.current
                status = 409
            else:
                messages.success(request, done)
                return redirect(_unit_url(page, language, key))
    units = [
        UnitForm(
            row=row,
            form=bound.get(row.unit.key) or _unit_form(row, target),
            conflict=row.unit.key in changed,
            theirs=changed.get(row.unit.key),
        )
        for row in selectors.translation_units(page, language)
    ]
    stats = page.language_stats.filter(language=language).first()
    return render(
        request,
        "content/staff/translate.html",
        {
            "page": page,
            "title": next((u.row.unit.text for u in units if u.row.unit.key == "title"), ""),
            "units": units,
            "source": _language(page.source_language),
            "target": target,
            "stats": stats,
        },
        status=status,
    )


def _confirm(row: selectors.UnitRow, based_on: str, member: Any) -> None:
    translation = row.translation
    if translation is None or services.translation_version(translation) != based_on:
        raise services.TranslationChanged(translation)
    services.translation_confirm(translation=translation, actor=member)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.TRANSLATION_EDIT)
def catalogues(request: HttpRequest) -> HttpResponse:
    """Download a language's translations as a PO catalogue; upload one and see the report."""
    member = acting_member(request)
    report: po.ImportReport | None = None
    status = 200
    if request.method == "POST":
        form = CatalogueUploadForm(request.POST, request.FILES)
        if form.is_valid():
            text = str(form.cleaned_data["catalogue"])
            since = po.catalogue_exported_at(text) if form.cleaned_data["keep_site_edits"] else None
            report = po.import_catalogue(
                str(form.cleaned_data["language"]), text, actor=member, keep_edits_since=since
            )
            if report.problems:
                status = 400
        else:
            status = 400
    else:
        form = CatalogueUploadForm(initial={"language": request.GET.get("language", "")})
    return render(
        request,
        "content/staff/catalogues.html",
        {
            "form": form,
            "report": report,
            "languages": [_language(code) for code in services.shipped_languages()],
        },
        status=status,
    )


@never_cache
@require_GET
@staff_view(Permission.TRANSLATION_EDIT)
def catalogue_export(request: HttpRequest, language: str) -> HttpResponse:
    """The language's PO catalogue for every page, or for one with ``?page=<slug>``."""
    language = _shipped_or_404(language)
    slug = request.GET.get("page", "")
    pages = None
    name = f"rightsdesk-{language}.po"
    if slug:
        pages = [get_object_or_404(Page, slug=slug)]
        name = f"{slug}-{language}.po"
    response = HttpResponse(
        po.export_catalogue(language, pages),
        content_type="text/x-gettext-translation; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _source_initial(page: Page) -> dict[str, Any]:
    units = list(page.units.order_by("position"))
    fields = {unit.key: unit.text for unit in units if is_field(unit.key)}
    body = [(unit.key, unit.text) for unit in body_units(units)]
    return {
        "title": fields.get("title", ""),
        "summary": fields.get("summary", ""),
        "region": fields.get("region", ""),
        "kind": page.kind,
        "body": body_source(body) if body else "",
        "published": page.published,
        "menu": page.menu_order,
        "updated": page.updated_at.isoformat(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.CONTENT_EDIT)
def page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    member = acting_member(request)
    page = get_object_or_404(Page, slug=slug)
    status = 200
    if request.method == "POST":
        form = PageSourceForm(request.POST, page=page)
        if form.is_valid():
            change = services.page_apply_source(
                source=form.cleaned_data["source"], actor=member, on_site=True
            )
            if change.any:
                messages.success(request, _("The page was saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("content_staff:page-edit", slug=page.slug)
        status = 409 if form.conflict else 400
    else:
        form = PageSourceForm(initial=_source_initial(page), page=page)
    return render(
        request,
        "content/staff/page_edit.html",
        {
            "form": form,
            "page": page,
            "current": _source_initial(page) if form.conflict else None,
            "is_crisis": page.kind == PageKind.CRISIS,
            "source": _language(page.source_language),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(Permission.CONTENT_EDIT)
def page_create(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    status = 200
    if request.method == "POST":
        form = PageCreateForm(request.POST)
        if form.is_valid():
            change = services.page_apply_source(
                source=form.cleaned_data["source"], actor=member, on_site=True
            )
            messages.success(request, _("The page was created."))
            return redirect("content_staff:page-edit", slug=change.page.slug)
        status = 400
    else:
        form = PageCreateForm(initial={"published": False, "kind": PageKind.PAGE})
    return render(
        request,
        "content/staff/page_edit.html",
        {"form": form, "page": None, "source": _language(settings.LANGUAGE_CODE)},
        status=status,
    )


@require_POST
@staff_view(Permission.CONTENT_EDIT)
def page_banner(request: HttpRequest, slug: str) -> HttpResponse:
    """Switch a crisis page's banner on the home page on or off."""
    member = acting_member(request)
    page = get_object_or_404(Page, slug=slug, kind=PageKind.CRISIS)
    form = BannerForm(request.POST)
    form.is_valid()
    on = bool(form.cleaned_data.get("on"))
    services.page_banner_set(page=page, on=on, actor=member)
    messages.success(
        request,
        _("The banner is shown on the home page.") if on else _("The banner is hidden."),
    )
    return redirect("content_staff:page-edit", slug=page.slug)
