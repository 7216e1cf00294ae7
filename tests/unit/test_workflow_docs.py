"""docs/workflows.md shows the diagrams the definitions generate, so it cannot drift."""

from __future__ import annotations

from pathlib import Path

from workflows.definitions import PK_WORKFLOW, REPORT_WORKFLOW, WORKFLOWS

DOC = Path(__file__).parents[2] / "docs" / "workflows.md"


def test_docs_show_the_generated_diagrams() -> None:
    text = DOC.read_text(encoding="utf-8")
    for workflow in (PK_WORKFLOW, REPORT_WORKFLOW):
        assert f"```mermaid\n{workflow.mermaid()}\n```" in text, workflow.name


def test_diagrams_cover_every_transition() -> None:
    for workflow in WORKFLOWS.values():
        diagram = workflow.mermaid().splitlines()
        assert diagram[0] == "stateDiagram-v2"
        arrows = [line for line in diagram if " --> " in line and "[*]" not in line]
        assert len(arrows) == len(workflow.transitions)
    assert "pk_approved" in REPORT_WORKFLOW.mermaid()
    assert "pk_approved" not in PK_WORKFLOW.mermaid()
