"""The job registry: each domain declares its scheduled jobs in its own `jobs.py`.

A domain registers a `Job` with the function it runs, referenced directly (no "module:function"
strings), so a misspelt function fails when its `jobs.py` is imported. Another domain may add a
part to a job declared elsewhere (`register_part`): the hourly "scan_deadlines" job runs the
rectification sweep and the inspection reminders sweep, and its run records the counts of both.
`load_job_modules` imports the fixed list of domain job modules at start-up (create_app); a
module that does not exist, a duplicate job id or a part of an undeclared job stops the start.

This module imports no domain and not APScheduler: domains import it, it imports none of them.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

JobFunction = Callable[..., dict[str, int]]  # called with now=...; returns what it did as counts


class JobRegistrationError(RuntimeError):
    """A job declared wrongly: the application does not start."""


@dataclass(frozen=True)
class Job:
    """A job runs either every `every` or daily at `at`, local time in the office's zone."""

    id: str
    func: JobFunction
    title: Any  # a lazy string: worded in the reader's language on the jobs page
    schedule: Any
    every: timedelta | None = None
    at: time | None = None


@dataclass
class Registry:
    """Jobs in the order they were registered, and parts added to jobs by other domains."""

    _jobs: dict[str, Job] = field(default_factory=dict)
    _parts: dict[str, list[JobFunction]] = field(default_factory=dict)

    def register(self, job: Job) -> Job:
        """Declare a job; a duplicate id, a missing function or an unclear schedule is refused."""
        if not job.id or not job.id.isidentifier():
            raise JobRegistrationError(f"job id {job.id!r} must be a plain name (it is stored in job_run)")
        if job.id in self._jobs:
            raise JobRegistrationError(f"job id {job.id!r} is registered twice")
        _check_callable(job.func, job.id)
        if (job.every is None) == (job.at is None):
            raise JobRegistrationError(f"job {job.id!r} needs exactly one of every= or at=")
        self._jobs[job.id] = job
        return job

    def register_part(self, job_id: str, func: JobFunction) -> JobFunction:
        """Add `func` to the job `job_id`, which may be declared by a module loaded later."""
        _check_callable(func, job_id)
        parts = self._parts.setdefault(job_id, [])
        if func in parts:
            raise JobRegistrationError(f"{_name(func)} is a part of job {job_id!r} twice")
        parts.append(func)
        return func

    def jobs(self) -> tuple[Job, ...]:
        """Every job, its parts joined to its own function, the most frequent first, then the
        daily ones by their time (the order of the jobs page); refuses parts of undeclared jobs."""
        unknown = sorted(set(self._parts) - set(self._jobs))
        if unknown:
            raise JobRegistrationError(f"parts registered for jobs nobody declared: {', '.join(unknown)}")
        ordered = sorted(self._jobs.values(), key=_by_schedule)
        return tuple(_with_parts(job, self._parts.get(job.id, [])) for job in ordered)

    def get(self, job_id: str) -> Job:
        """The registered job `job_id`, parts joined; KeyError when there is none."""
        found = [job for job in self.jobs() if job.id == job_id]
        if not found:
            raise KeyError(job_id)
        return found[0]


def load_job_modules(module_names: Iterable[str], registry: Registry | None = None) -> tuple[Job, ...]:
    """Import each domain's job module (registering its jobs) and check the whole registry."""
    for name in module_names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            raise JobRegistrationError(f"job module {name!r} does not exist ({error})") from error
    return (registry or REGISTRY).jobs()


def _by_schedule(job: Job) -> tuple:
    if job.every is not None:
        return (0, job.every, "")
    assert job.at is not None  # a job runs every so often or daily at a time
    return (1, timedelta(0), job.at.isoformat())


def _with_parts(job: Job, parts: list[JobFunction]) -> Job:
    if not parts:
        return job
    functions = (job.func, *parts)

    def run_all(*, now: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        for function in functions:
            counts |= function(now=now)
        return counts

    run_all.__name__ = run_all.__qualname__ = job.id
    return replace(job, func=run_all)


def _check_callable(func: object, job_id: str) -> None:
    if not callable(func):
        raise JobRegistrationError(f"job {job_id!r} has no function to run (got {func!r})")


def _name(func: Callable) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', func)}"


REGISTRY = Registry()  # the application's jobs
register = REGISTRY.register
register_part = REGISTRY.register_part
registered_jobs = REGISTRY.jobs
registered_job = REGISTRY.get


TakeoverHook = Callable[..., int]  # called with workers=..., now=...; returns how many claims it freed
_TAKEOVER_HOOKS: list[TakeoverHook] = []


def register_takeover(hook: TakeoverHook) -> TakeoverHook:
    """Let a domain free, when a scheduler takes the lock, what its dead predecessors had claimed
    (the outbox's claimed rows) at once rather than when the claims expire."""
    if hook not in _TAKEOVER_HOOKS:
        _TAKEOVER_HOOKS.append(hook)
    return hook


def takeover_hooks() -> tuple[TakeoverHook, ...]:
    return tuple(_TAKEOVER_HOOKS)


PageNote = Callable[[Any], str | None]  # given the reader's Scope: a sentence for the jobs page, or None
_PAGE_NOTES: list[PageNote] = []


def register_page_note(note: PageNote) -> PageNote:
    """Let a domain say something on the jobs page about its jobs' work (the outbox: unconfirmed
    messages), without the scheduler importing the domain."""
    if note not in _PAGE_NOTES:
        _PAGE_NOTES.append(note)
    return note


def page_notes(scope: Any) -> list[str]:
    """The registered notes that have something to say to this reader."""
    return [text for note in _PAGE_NOTES if (text := note(scope))]
