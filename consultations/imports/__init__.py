"""Import of historical consultation sessions from CSV or Excel (.xlsx).

Three steps, each usable on its own:

1. `read_upload` reads the file (CSV in UTF-8 with or without BOM or in Shift_JIS/cp932, or an
   .xlsx workbook) into header and rows, refusing files that are too large, too long or
   unreadable with an `ImportFileError` whose message the user can act on.
2. `check` validates every row against the hub's topics and coordinators, collecting
   (row, column, message) errors. Row numbers are the ones the user sees in the file: the
   header is row 1.
3. `run` creates clients, cases and sessions with the services' rules (access check,
   validation, history) in one transaction, and records an ImportBatch; rows left out are kept
   as an .xlsx with an エラー column.

The column headers are data, not UI text: they are Japanese literals whatever language the
user picked. docs/import-format.md describes the format for people.

Modules: columns (the format), reading (step 1), checking (step 2), planning and saving
(step 3, and the rejected-rows file).
"""

from .checking import RowError, check, parse_date
from .columns import Column, cell_text, column_table, is_blank, normalized
from .reading import MAX_BYTES, MAX_ROWS, ImportFileError, Row, Upload, read_upload
from .saving import rejected_workbook, run

# The second half: the reading and checking helpers that another import of this project reuses
# (evaluation/outcomes/imports.py, clients' financial figures) with its own columns.
__all__ = ["MAX_BYTES", "MAX_ROWS", "ImportFileError", "check", "column_table", "read_upload",
           "rejected_workbook", "run",
           "Column", "Row", "RowError", "Upload", "cell_text", "is_blank", "normalized",
           "parse_date"]
