"""The guideline (everyone reads the published versions; HQ edits drafts), and the results:
HQ's national view and each hub's published scores beside the national distribution."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from evaluation.permissions import EVALUATE
from hubs.access import authorise, is_hq, require
from hubs.roles import VIEW_HUB
from hubs.scoping import hub_for_user_or_404
from yorozu.core import fiscal

from . import heat_map, selectors, services
from .forms import AreaForm, GuidelineForm, ItemForm
from .models import Area, Guideline, Item


def _guideline(request, fiscal_year: int) -> Guideline:
    guideline = selectors.guidelines_visible(user=request.user).filter(
        fiscal_year=fiscal_year).first()
    if guideline is None:
        raise Http404
    return guideline


def _draft_item(request, pk) -> Item:
    require(request.user, EVALUATE)
    item = get_object_or_404(Item.objects.select_related("area__guideline"), pk=pk)
    if item.area.guideline.is_published:
        raise PermissionDenied  # frozen: a published version is never edited
    return item


# --- The guideline ---------------------------------------------------------------------------
def guideline_list(request):
    return render(request, "evaluation/guideline_list.html", {
        "guidelines": list(selectors.guidelines_visible(user=request.user)),
        "is_hq": is_hq(request.user),
        "current_year": fiscal.current_fiscal_year(),
    })


def guideline_detail(request, fiscal_year):
    guideline = _guideline(request, fiscal_year)
    hq = is_hq(request.user)
    return render(request, "evaluation/guideline_detail.html", {
        "guideline": guideline, "areas": selectors.guideline_with_items(guideline),
        "can_edit": hq and not guideline.is_published, "is_hq": hq,
        "next_year_free": not Guideline.objects.filter(fiscal_year=fiscal_year + 1).exists(),
    })


@require_POST
def guideline_start(request):
    require(request.user, EVALUATE)
    year = fiscal.current_fiscal_year()
    if Guideline.objects.filter(fiscal_year=year).exists():
        return redirect("evaluation:guideline_detail", fiscal_year=year)
    try:
        services.guideline_create_from_starter(fiscal_year=year, by=request.user)
    except IntegrityError:  # a colleague started it at the same moment: show theirs
        return redirect("evaluation:guideline_detail", fiscal_year=year)
    messages.success(request, _("Created a draft from the starter guideline. Edit it, then "
                                "publish it."))
    return redirect("evaluation:guideline_detail", fiscal_year=year)


def guideline_edit(request, fiscal_year):
    require(request.user, EVALUATE)
    guideline = _guideline(request, fiscal_year)
    if guideline.is_published:
        raise PermissionDenied
    form = GuidelineForm(request.POST or None, instance=guideline)
    if request.method == "POST" and form.is_valid():
        services.guideline_update(guideline=guideline, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("evaluation:guideline_detail", fiscal_year=fiscal_year)
    return _form_page(request, form, _("Edit the guideline"), guideline.title, guideline)


@require_POST
def guideline_publish(request, fiscal_year):
    require(request.user, EVALUATE)
    guideline = _guideline(request, fiscal_year)
    try:
        services.guideline_publish(guideline=guideline, by=request.user)
    except services.WorkflowError:
        messages.error(request, _("This guideline cannot be published: it is published "
                                  "already, or it has no items."))
    else:
        messages.success(request, _("Published. This version can no longer be changed."))
    return redirect("evaluation:guideline_detail", fiscal_year=fiscal_year)


@require_POST
def guideline_copy(request, fiscal_year):
    require(request.user, EVALUATE)
    source = _guideline(request, fiscal_year)
    try:
        copy = services.guideline_copy(source=source, fiscal_year=fiscal_year + 1,
                                       by=request.user)
    except (services.WorkflowError, IntegrityError):
        messages.error(request, _("The next fiscal year has a guideline already."))
        return redirect("evaluation:guideline_detail", fiscal_year=fiscal_year)
    messages.success(request, _("Started the next year's guideline as a draft copy."))
    return redirect("evaluation:guideline_detail", fiscal_year=copy.fiscal_year)


def area_edit(request, pk):
    require(request.user, EVALUATE)
    area = get_object_or_404(Area.objects.select_related("guideline"), pk=pk)
    if area.guideline.is_published:
        raise PermissionDenied
    form = AreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        services.area_update(area=area, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("evaluation:guideline_detail", fiscal_year=area.guideline.fiscal_year)
    return _form_page(request, form, _("Guideline area"), area.code, area.guideline)


def item_edit(request, pk):
    item = _draft_item(request, pk)
    return _item_form(request, item)


def item_create(request, area_pk):
    require(request.user, EVALUATE)
    area = get_object_or_404(Area.objects.select_related("guideline"), pk=area_pk)
    if area.guideline.is_published:
        raise PermissionDenied
    return _item_form(request, Item(area=area, sort_order=area.items.count() + 1))


def _item_form(request, item: Item):
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.item_save(item=item, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved item %(code)s.") % {"code": item.code})
        return redirect("evaluation:guideline_detail",
                        fiscal_year=item.area.guideline.fiscal_year)
    return _form_page(request, form, _("Guideline item"), str(item.area), item.area.guideline)


def _form_page(request, form, title, subtitle, guideline):
    return render(request, "core/record_form.html", {
        "form": form, "title": title, "subtitle": subtitle,
        "cancel_url": reverse("evaluation:guideline_detail", args=[guideline.fiscal_year])})


@require_POST
def item_delete(request, pk):
    item = _draft_item(request, pk)
    year = item.area.guideline.fiscal_year
    services.item_delete(item=item, by=request.user)
    messages.success(request, _("Deleted the item."))
    return redirect("evaluation:guideline_detail", fiscal_year=year)


# --- Results ---------------------------------------------------------------------------------
def national(request):
    require(request.user, EVALUATE)
    published = selectors.published_guidelines()
    picker = selectors.evaluation_year(request, published)
    year = picker.year
    guideline = published.get(year)
    context = {"year": year, "year_label": fiscal.fiscal_year_label(year),
               "guideline": guideline, "picker": picker}
    if guideline is not None:
        context.update(_heat_map(request, guideline))
        items = selectors.guideline_with_items(guideline)
        best = selectors.best_practice(guideline=guideline)
        for area in items:
            for item in area.items.all():
                item.best = best.get(item.pk, [])
        context.update(item_areas=items)
    return render(request, "evaluation/national.html", context)


def _heat_map(request, guideline) -> dict:
    """The heat map sorted and grouped as the address asks, with the national median row."""
    areas, rows = selectors.national_heat_map(guideline=guideline)
    codes = [area.code for area in areas]
    order = heat_map.Order.from_query(request.GET, codes)
    rows = heat_map.sort_rows(rows, key=order.key, descending=order.descending,
                              area_codes=codes)
    groups = (heat_map.group_by_bureau(rows) if order.grouped
              else [heat_map.Group(bureau=None, rows=rows)])
    median_cells, median_overall = heat_map.median_row(rows, len(areas))
    columns = [("hub", _("Hub"), ""), ("overall", pgettext("heat map", "Overall"), "")] + [
        (area.code, f"{area.code}. {area.title}", area.title) for area in areas]
    return {"areas": areas, "groups": groups, "rows": rows, "order": order,
            "median_cells": median_cells, "median_overall": median_overall,
            "legend": heat_map.LEGEND,
            "columns": [{"label": label, "title": title, "aria_sort": order.aria_sort(key),
                         "href": _query(request, sort=key, dir=order.toggled(key))}
                        for key, label, title in columns],
            "group_href": _query(request, group=None if order.grouped else "bureau")}


def _query(request, **changes) -> str:
    """This page's address with some parameters changed (None drops one)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return f"?{query.urlencode()}"


def hub_result(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_HUB)
    picker = selectors.evaluation_year(request)
    year = picker.year
    hearing = selectors.hub_result(hub=authorise(request.user, VIEW_HUB, hub),
                                   fiscal_year=year, user=request.user)
    areas = selectors.result_rows(hearing=hearing, user=request.user) if hearing else []
    return render(request, "evaluation/hub_result.html", {
        "hub": hub, "year": year, "year_label": fiscal.fiscal_year_label(year),
        "picker": picker, "hearing": hearing, "areas": areas,
        "distribution_withheld": any(item.spread is None
                                     for area in areas for item in area.items.all()),
        "distribution_min": settings.GUIDELINE_DISTRIBUTION_MIN_HUBS,
    })
