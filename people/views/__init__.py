"""HR pages at /talento-humano/, one module per screen. Every view reads through
people.selectors.visible_* (via people.screens for a page's context) so that a scoped officer
or a manager never sees anyone outside their scope (404, not 403, for objects)."""

from .dashboard import dashboard
from .exports import export_aggregate, export_matrix, export_transcripts
from .imports import import_preview, import_template, import_upload
from .requirements import coverage_list, requirement_list
from .scopes import scope_list, scope_remove
from .staff import (
    anonymise,
    personal_data_export,
    staff_create,
    staff_detail,
    staff_edit,
    staff_list,
    staff_status,
)
from .units import unit_create, unit_edit, unit_list, unit_move
from .unplaced import unplaced_list, unplaced_place

__all__ = [
    "anonymise",
    "coverage_list",
    "dashboard",
    "export_aggregate",
    "export_matrix",
    "export_transcripts",
    "import_preview",
    "import_template",
    "import_upload",
    "personal_data_export",
    "requirement_list",
    "scope_list",
    "scope_remove",
    "staff_create",
    "staff_detail",
    "staff_edit",
    "staff_list",
    "staff_status",
    "unit_create",
    "unit_edit",
    "unit_list",
    "unit_move",
    "unplaced_list",
    "unplaced_place",
]
