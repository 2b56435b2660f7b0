"""Staff import from the HR system's export (CSV or XLSX): parse, plan (validate), apply.

All or nothing: the file is validated completely before anything is written, and applying
runs in one transaction with bulk queries (10,000 rows in seconds). The uploaded file is kept
in a StaffImport row between the preview and the confirmation.
"""

from .apply import apply_plan, import_file, staff_import_apply, staff_import_preview
from .parse import (
    COLUMNS,
    REQUIRED_COLUMNS,
    ImportFileError,
    ParsedRow,
    RowError,
    decode_csv,
    normalise_header,
    read_table,
    template_rows,
)
from .plan import ImportPlan, build_plan

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportFileError",
    "ImportPlan",
    "ParsedRow",
    "RowError",
    "apply_plan",
    "build_plan",
    "decode_csv",
    "import_file",
    "normalise_header",
    "read_table",
    "staff_import_apply",
    "staff_import_preview",
    "template_rows",
]
