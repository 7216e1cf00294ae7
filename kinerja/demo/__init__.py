"""Demo data: the Gresik seed walked through the workflow, and the generated regency."""
