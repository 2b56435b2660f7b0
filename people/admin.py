from django.contrib import admin

from .models import CoverageRule, HRScope, Requirement, StaffImport


@admin.register(HRScope)
class HRScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "unit"]
    autocomplete_fields = []
    raw_id_fields = ["user"]
    list_select_related = ["user", "unit"]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["course", "scope", "unit", "position", "validity_months", "due_days", "active"]
    list_select_related = ["course", "unit"]


@admin.register(CoverageRule)
class CoverageRuleAdmin(admin.ModelAdmin):
    list_display = ["unit", "course", "minimum", "include_subunits", "active"]
    list_select_related = ["course", "unit"]


@admin.register(StaffImport)
class StaffImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "status", "uploaded_by", "created_at", "applied_at"]
    exclude = ["content"]
    readonly_fields = ["preview", "summary"]
