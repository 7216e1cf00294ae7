"""Excel workbooks: the catalogue workbook (read and written), the recap and the audit trail."""
