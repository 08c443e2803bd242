"""What the campaign tests share: a campaign with tasks made straight with the models, the forms'
data, a JPEG, counts of what a request may write, and a signed-in opener for a live server."""
from __future__ import annotations

import http.cookiejar
import io
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from PIL import Image

from hygiene.audit.models import AuditEvent
from hygiene.campaigns import counts as place_counts
from hygiene.campaigns.models import Campaign, CampaignEvent, CampaignTask
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.media.models import Photo

TODAY = local_today()
PASSWORD = "pw-12345678"


def jpeg(colour=(40, 120, 60), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def add_campaign(world, *, township="ta", places=(("a1", None), ("a2", None)), starts_on: date | None = None,
                 due_on: date | None = None, title="大扫除", status="active", name="元旦前环境卫生大扫除") -> dict:
    """A campaign of the township with a task for each (village, unit) name of `world`; ids by name."""
    start = starts_on or TODAY - timedelta(days=5)
    campaign = Campaign(township_id=getattr(world, township), name=name, starts_on=start,
                        ends_on=start + timedelta(days=20), status=status)
    db.session.add(campaign)
    db.session.flush()
    ids = {"campaign": campaign.id}
    for village, unit in places:
        village_id = getattr(world, village)
        unit_id = getattr(world, unit) if unit else None
        task = CampaignTask(campaign_id=campaign.id, township_id=campaign.township_id, village_id=village_id,
                            unit_id=unit_id, place_key=CampaignTask.key_of(village_id, unit_id), title=title,
                            due_on=due_on or TODAY + timedelta(days=3))
        db.session.add(task)
        db.session.flush()
        ids[unit or village] = task.id
    place_counts.refresh(campaign.id)
    db.session.commit()
    return ids


def campaign_data(**changes) -> dict:
    return {"name": "第38个爱国卫生月", "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=20)).isoformat(), "description": "清理卫生死角",
            "title": "大扫除", "due_on": (TODAY + timedelta(days=10)).isoformat(), "all_villages": "y",
            "request_key": uuid.uuid4().hex} | changes


def complete_data(*, photos=(), **changes) -> dict:
    data = {"done_on": TODAY.isoformat(), "note": "村内主干道和沟渠已清理", "request_key": uuid.uuid4().hex} | changes
    if photos:
        data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return data


def counts(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (Campaign, CampaignTask, CampaignEvent, Photo, AuditEvent))


def task_of(app, task_id) -> CampaignTask:
    with app.app_context():
        task = db.session.get(CampaignTask, task_id)
        db.session.expunge(task)
        return task


def signed_in(base: str, username: str) -> urllib.request.OpenerDirector:
    """A browser-like opener (cookies, no redirects followed) signed in as `username`."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD}).encode()
    assert status_of(opener, urllib.request.Request(f"{base}/login", data=body)) == 302
    return opener


def status_of(opener, request) -> int:
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
        return answer.code


def post_form(opener, url: str, fields: dict) -> int:
    body = urllib.parse.urlencode(fields, doseq=True).encode()
    return status_of(opener, urllib.request.Request(url, data=body))


def posts_at_once(opener, url: str, fields: dict, times: int = 3) -> list[int]:
    """The same form posted `times` times at the same moment (a double tap, a resend); the statuses."""
    start, statuses = threading.Barrier(times), []

    def post() -> None:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(url, data=body)))

    workers = [threading.Thread(target=post) for _ in range(times)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return statuses
