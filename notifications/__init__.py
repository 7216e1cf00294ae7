"""Reminders' and mail's adapters: the email templates and their renderer, the SMTP mailer
and its fake, the dispatcher that sends the outbox, the scheduler's ticks, the demo's mail
catcher. The rules (deadlines, the ladder, delivery) and the use cases live in engine/.
"""
