"""Reminders, escalation, the outbox, templates and the mailer.

Filled by the reminders issue; the package exists now so the layering holds from the start.
"""
