from django.contrib import admin

from .models import Industry, PersonalDataRead, Topic

# Consultation records are not in the admin: they hold personal data and are reached only
# through the hub-scoped pages. Topics are data that HQ extends here.


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

    list_display = ["at", "user", "hub", "client", "what"]
    list_filter = ["what", "hub"]
    date_hierarchy = "at"
    list_select_related = ["user", "hub", "client"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
