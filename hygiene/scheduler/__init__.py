"""The scheduler: the job registry, running and recording jobs, the lock, the jobs page.

Domains declare their jobs in their own `jobs.py` with `register(Job(...))` (see registry.py);
create_app loads those modules by name (JOB_MODULES in hygiene/__init__.py). Only this package
imports APScheduler (scheduling.py). The package's own import is light: domains import it.
"""
from hygiene.scheduler.registry import (
    Job,
    JobRegistrationError,
    load_job_modules,
    page_notes,
    register,
    register_page_note,
    register_part,
    register_takeover,
    registered_job,
    registered_jobs,
)

__all__ = ["Job", "JobRegistrationError", "load_job_modules", "page_notes", "register", "register_page_note",
           "register_part", "register_takeover", "registered_job", "registered_jobs"]
