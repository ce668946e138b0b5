"""Excel reports built as background jobs (a hub's month, the national fiscal year) and the
daily reminder of overdue referrals. jobs.py registers the kinds; schedule.py holds the celery
beat entry points."""
