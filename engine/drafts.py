"""The write guard of workflow documents: only a draft may change.

Approved documents are read-only (reopening needs a reason and the administrator
permission); a submitted or verified one is under review and must be returned to
draft before anything in it changes. Every edit of a report or PK, from the pages,
the API, the CLI or a workbook import, asks this first.
"""

from __future__ import annotations

from engine.errors import ValidationError
from engine.workflow import DocKind, State


def require_draft(kind: DocKind, doc_id: int, state: State) -> None:
    """Raise ValidationError (Indonesian) unless the document is a draft."""
    if state is State.DRAFT:
        return
    ref = f"{kind.prefix}-{doc_id}"
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
