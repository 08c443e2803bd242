"""An order due in a year whose official holidays are unpublished says its deadline is provisional."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from playwright.sync_api import expect


def test_the_order_page_marks_a_provisional_deadline(page, sign_in, shot, db_query):
    from hygiene.rectifications.models import RectificationOrder
    from hygiene.rectifications.services import deadline_fields

    def issue_on_new_year_s_eve(session):
        order = session.scalar(sa.select(RectificationOrder).where(RectificationOrder.status == "issued")
                               .order_by(RectificationOrder.id))
        saved = (order.issued_on, order.deadline, order.deadline_provisional, order.deadline_working_days)
        order.issued_on = date(2027, 2, 5)  # 除夕 2027: the year is not published yet
        for name, value in deadline_fields(order.issued_on, 5).items():
            setattr(order, name, value)
        session.commit()
        return order.id, saved

    order_id, saved = db_query(issue_on_new_year_s_eve)
    try:
        sign_in("admin")
        page.goto(f"/orders/{order_id}")
        expect(page.locator("dd.big")).to_contain_text("2027-02-15")
        expect(page.locator(".deadline-provisional")).to_have_text("暂定")
        expect(page.locator("dd.big")).to_contain_text("尚未公布")
        shot("order")
    finally:
        def restore(session):
            order = session.get(RectificationOrder, order_id)
            (order.issued_on, order.deadline, order.deadline_provisional,
             order.deadline_working_days) = saved
            session.commit()

        db_query(restore)
