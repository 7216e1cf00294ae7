"""The write guard of workflow documents: only a draft may change.

Approved documents are read-only (reopening needs a reason and the admin
permission); a submitted or verified one is under review and must be returned
to draft before anything in it changes.
"""

from __future__ import annotations

from db.models import PerjanjianKinerja, QuarterlyReport
from engine.errors import ValidationError
from engine.workflow import DocKind, State


def require_editable(row: PerjanjianKinerja | QuarterlyReport) -> None:
    """Raise ValidationError (Indonesian) unless the document is a draft."""
    kind = DocKind.PK if isinstance(row, PerjanjianKinerja) else DocKind.REPORT
    ref = f"{kind.prefix}-{row.id}"
    state = State(row.state)
    if state is State.DRAFT:
        return
    if state is State.APPROVED:
        message = (
            f"{kind.label} {ref} sudah disetujui dan tidak dapat diubah; "
            "untuk mengubahnya, administrator harus membukanya kembali dengan alasan"
        )
    else:
        message = (
            f"{kind.label} {ref} sedang {state.label}; kembalikan ke draf dulu sebelum mengubahnya"
        )
    raise ValidationError(message, log_message=f"write refused on {ref} in state {state}")
