"""Notifications (issue 12): who is told of what, the in-app inbox, e-mail per preferences,
reminders, daily digests and public subscriptions (S4).

- kinds.py        what a notification says, its category, whether it is an obligation
- rules.py        one table per workflow: transition -> kind and audiences ("nobody" is an entry)
- audiences.py    who an audience is for one object
- operations.py   the only place that writes notifications, preferences and claims
- mailer.py       real mail: Jinja templates, recipient's language, Warsaw time, Polish formats
"""
