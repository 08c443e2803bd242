"""Exports that leave the request: each domain declares its export kinds, this room runs them.

registry.py (the export kinds, declared by their domains), models.py (`ExportTask`),
services.py (asking, claiming, running, cleaning), jobs.py (the runner and the clean-up, run
where the scheduled jobs run), views.py (the /exports pages and downloads).
"""
