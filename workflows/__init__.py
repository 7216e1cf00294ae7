"""Workflow definitions (Perjanjian Kinerja, quarterly report) as data, run by `transitions`.

Filled by the workflow issue; the package exists now so the layering holds from the start.
"""
