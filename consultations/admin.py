from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from yorozu.core.xlsx import attachment_disposition

from . import retention
from .models import Client, ClientDataAction, Industry, PersonalDataRead, Topic

# Consultation records are not in the admin: they hold personal data and are reached only
# through the hub-scoped pages. Topics are data that HQ extends here. Clients appear only to
# serve a client's own request for disclosure or deletion (retention.py), to superusers, and
# only once searched for.


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en"]


@admin.register(PersonalDataRead)
class PersonalDataReadAdmin(admin.ModelAdmin):
    """The audit of who read whose personal data: read only."""

    list_display = ["at", "user", "hub", "client", "what", "rows", "detail"]
    list_filter = ["what", "hub"]
    date_hierarchy = "at"
    list_select_related = ["user", "hub", "client"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Client)
class ClientAdmin(ReadOnlyAdmin):
    """A client's request under the APPI: export their data, or anonymise them now. Lists
    nothing until searched, and has no page per client (the hub's pages show the record)."""

    list_display = ["number", "name", "hub", "kind", "registered_at", "anonymised_at"]
    list_display_links = None
    list_select_related = ["hub"]
    search_fields = ["=id", "name", "name_kana", "=corporate_number", "=phone", "=email"]
    search_help_text = _("Search by number, business name, kana, corporate number, phone or "
                         "email. Nothing is listed before a search.")
    show_full_result_count = False
    actions = ["export_data", "anonymise_now"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and obj is None

    @admin.display(description=_("client number"), ordering="pk")
    def number(self, client):
        return client.pk

    @admin.display(description=_("registered at"), ordering="created_at")
    def registered_at(self, client):
        return client.created_at

    def has_personal_data_permission(self, request):
        return request.user.is_superuser

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    @admin.action(description=_("Export this client’s data (disclosure request)"),
                  permissions=["personal_data"])
    def export_data(self, request, queryset):
        clients = list(queryset.select_related("hub", "industry").order_by("pk"))
        content = retention.clients_export(clients=clients, by=request.user)
        day = timezone.localdate().isoformat()
        ids = "_".join(str(c.pk) for c in clients[:5])
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = attachment_disposition(
            f"相談者データ_{ids}_{day}.json", fallback=f"client_{ids}_{day}.json")
        return response

    @admin.action(description=_("Anonymise this client now (deletion request)"),
                  permissions=["personal_data"])
    def anonymise_now(self, request, queryset):
        if request.POST.get("post") != "yes":
            return TemplateResponse(request, "admin/consultations/client/anonymise_confirm.html", {
                **self.admin_site.each_context(request),
                "title": gettext("Anonymise clients"),
                "opts": self.model._meta,
                "queryset": queryset.select_related("hub"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            })
        # Taken before anonymising: the queryset is the search, which the new names no
        # longer match.
        selected = list(queryset.values_list("pk", flat=True))
        done = retention.client_anonymise(
            client_ids=selected, action=ClientDataAction.Action.ANONYMISED, by=request.user,
            note=request.POST.get("note", "").strip())
        if done:
            self.message_user(request, ngettext("%(n)s client anonymised.",
                                                "%(n)s clients anonymised.", len(done))
                              % {"n": len(done)}, messages.SUCCESS)
        if skipped := len(selected) - len(done):
            self.message_user(request, gettext("Already anonymised, left as they were: "
                                               "%(n)s.") % {"n": skipped}, messages.WARNING)
        return None


@admin.register(ClientDataAction)
class ClientDataActionAdmin(ReadOnlyAdmin):
    """The audit of disclosures and anonymisations: read only."""

    list_display = ["at", "action", "client_number", "hub", "by", "note"]
    list_filter = ["action", "hub"]
    date_hierarchy = "at"
    list_select_related = ["hub", "by"]

    # The number, not the name: the audit outlives the name, and needs no personal data.
    @admin.display(description=_("client number"), ordering="client_id")
    def client_number(self, action):
        return action.client_id
