from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Appointment, Bureau, Hub, SupportAgency


@admin.register(Bureau)
class BureauAdmin(GuardedModelAdmin):
    list_display = ["code", "name_ja", "name_en"]


@admin.register(Hub)
class HubAdmin(GuardedModelAdmin):
    list_display = ["jis_code", "prefecture_ja", "bureau", "implementing_org"]
    list_filter = ["bureau"]
    search_fields = ["prefecture_ja", "prefecture_en", "implementing_org"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """System administrators enter chief coordinator, implementing-organization, bureau and
    HQ appointments here; saving one changes the person's access at once (hubs.signals)."""

    list_display = ["user", "role", "hub", "bureau", "fiscal_year", "starts_on", "ends_on",
                    "status"]
    list_filter = ["role", "status", "fiscal_year", "hub__bureau"]
    search_fields = ["user__email", "user__family_name", "user__given_name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["proposed_by", "decided_by"]
    list_select_related = ["user", "hub", "bureau"]


@admin.register(SupportAgency)
class SupportAgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "hub", "is_active"]
    list_filter = ["kind", "is_active", "hub"]
    search_fields = ["name", "contact_person"]
    list_select_related = ["hub"]
