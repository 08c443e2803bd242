"""Backup and restore: a consistent copy of the database and the photo store while the system
runs, its manifest, the daily backup with retention, and the removal of crash leftovers.

The photo store is content-addressed and never deletes, so the database is copied first and the
photos after it: every photo row in the copy then has its files (README, "Backup and restore").
"""
