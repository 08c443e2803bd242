"""Sign-in, sign-out, language choice and user management."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from hygiene.accounts import services, sessions, throttle
from hygiene.accounts.forms import ROLE_LABELS, ContactForm, LoginForm, PasswordChangeForm, UserForm
from hygiene.accounts.models import User
from hygiene.accounts.reach import channels_reaching
from hygiene.accounts.schemas import contact_input
from hygiene.audit.queries import events_for
from hygiene.core.web import (
    apply_errors,
    attempt,
    current_scope,
    form_step,
    paginated,
    require_admin,
    safe_next,
    show_refusal,
)
from hygiene.extensions import db

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    status = 401 if request.method == "POST" else 200
    if form.validate_on_submit():
        who = {"username": form.username.data, "address": request.remote_addr or ""}
        wait = throttle.login_wait(**who)
        if wait:  # known or unknown name alike, the right password too: nothing is checked
            form.form_errors.append(_("Too many failed sign-ins. Wait %(minutes)d minutes and try "
                                      "again.", minutes=wait))
            status = 429
        elif (user := services.user_authenticate(username=who["username"],
                                                 password=form.password.data)) is not None:
            sessions.session_start(user)
            db.session.commit()
            throttle.login_succeeded(**who)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(url_for("core.dashboard")))
        else:
            throttle.login_failed(**who)
            form.form_errors.append(_("The user name or password is wrong, or the account is "
                                      "deactivated."))
    return render_template("accounts/login.html", form=form,
                           demo=current_app.config["DEMO_MODE"]), status


@bp.post("/logout")
def logout():
    """End this sign-in on the server too: its session and remember cookies, copies included."""
    if current_user.is_authenticated:
        sessions.session_end(current_user.session_token)
        db.session.commit()
    logout_user()
    language = session.get("lang")
    session.clear()  # nothing of one user's session (flashes, drafts) reaches the next
    session["_remember"] = "clear"  # Flask-Login's order to delete the remember cookie, which clear() dropped
    if language:
        session["lang"] = language
    return redirect(url_for(".login"))


@bp.get("/language/<any(zh_CN,en):code>")
def language(code: str):
    session["lang"] = code
    return redirect(safe_next(url_for("core.dashboard")))


@bp.route("/account/contact", methods=["GET", "POST"])
@login_required
def my_contact():
    """Everyone keeps their own phone, e-mail and channels; no user id in the URL to change."""
    form = ContactForm(obj=current_user)
    if form.validate_on_submit():
        _user, error = attempt(lambda: services.contact_update(
            scope=current_scope(), actor_id=current_user.id, user=current_user._get_current_object(),
            data=contact_input(form.data)))
        if error is not None:
            show_refusal(form, error)
        else:
            flash(_("Your contact details are saved."), "success")
            return redirect(url_for(".my_contact"), 303)
    failed = request.method == "POST" and (form.errors or form.form_errors)
    return render_template("accounts/contact.html", form=form,
                           channels=channels_reaching(current_user)), 422 if failed else 200


PASSWORD_TRIES = 5  # wrong current passwords in one sign-in before it is ended


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def my_password():
    """Change one's own password; every other sign-in ends, this device gets a fresh one."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.password_change(user=user, current=form.current_password.data,
                                     new=form.new_password.data, confirm=form.confirm_password.data)
        except services.UserInvalid as error:
            db.session.rollback()
            apply_errors(form, error.errors)
            if "current_password" in error.errors and _too_many_wrong_passwords():
                return _end_sign_in(_("The current password was wrong %(n)d times. Sign in again.",
                                      n=PASSWORD_TRIES))
        else:
            remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            sessions.session_start(user)
            db.session.commit()
            login_user(user, remember=remember)  # this device stays signed in, with a new token
            session.pop("password_tries", None)
            flash(_("Your password is changed. You are signed out on every other device."), "success")
            return redirect(url_for(".my_contact"), 303)
    failed = request.method == "POST" and (form.errors or form.form_errors)
    return render_template("accounts/password.html", form=form), 422 if failed else 200


def _too_many_wrong_passwords() -> bool:
    session["password_tries"] = session.get("password_tries", 0) + 1
    return session["password_tries"] >= PASSWORD_TRIES


def _end_sign_in(message: str):
    """End this sign-in on the server (its copied cookies too) and send the user to sign in."""
    sessions.session_end(current_user.session_token)
    db.session.commit()
    logout_user()
    session.pop("password_tries", None)
    flash(message, "error")
    return redirect(url_for(".login")), 303


@bp.get("/users/")
@login_required
def user_list():
    scope = require_admin()
    q = request.args.get("q", "").strip()
    stmt = (sa.select(User).options(joinedload(User.township), joinedload(User.village),
                                    joinedload(User.unit))
            .where(services.user_scope_clause(scope)).order_by(User.role, User.username))
    if q:
        stmt = stmt.where(sa.or_(User.username.ilike(f"%{q}%"), User.display_name.ilike(f"%{q}%")))
    page = paginated(stmt, per_page=20)
    return render_template("accounts/users.html", page=page, q=q, roles=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    scope = require_admin()
    form = UserForm()
    form.prepare(scope)
    if form.validate_on_submit():
        user, error = attempt(lambda: services.user_create(
            scope=scope, actor_id=current_user.id,
            data=services.user_input(scope=scope, data=form.data)))
        if error is not None:
            show_refusal(form, error)
        else:
            flash(_("Saved “%(name)s”.", name=str(user)), "success")
            return redirect(url_for(".user_detail", user_id=user.id))
    return _render_user_form(form, None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    scope = require_admin()
    user = services.user_get(scope=scope, user_id=user_id)
    form = UserForm(obj=user)
    form.prepare(scope)
    if request.method == "GET":
        for name in ("township_id", "village_id", "unit_id"):
            getattr(form, name).data = str(getattr(user, name) or "")
    if form.validate_on_submit():
        _user, error = attempt(lambda: services.user_update(
            scope=scope, actor_id=current_user.id, user=user,
            data=services.user_input(scope=scope, data=form.data, existing=user)))
        if error is not None:
            show_refusal(form, error)
        else:
            flash(_("Saved “%(name)s”.", name=str(user)), "success")
            return redirect(url_for(".user_detail", user_id=user.id))
    return _render_user_form(form, user)


@bp.get("/users/<int:user_id>")
@login_required
def user_detail(user_id: int):
    scope = require_admin()
    user = services.user_get(scope=scope, user_id=user_id)
    return render_template("accounts/user_detail.html", user=user, roles=ROLE_LABELS,
                           events=events_for(user))


@bp.post("/users/<int:user_id>/active")
@login_required
def user_set_active(user_id: int):
    scope = require_admin()
    user = services.user_get(scope=scope, user_id=user_id)
    return form_step(lambda: services.user_set_active(scope=scope, actor_id=current_user.id, user=user,
                                                      active=request.form.get("active") == "1"),
                     done=lambda _user: _("Saved “%(name)s”.", name=str(user)),
                     back=url_for(".user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/sessions/end")
@login_required
def user_sessions_end(user_id: int):
    """Sign a user out on every device (a lost phone, a shared PC left signed in)."""
    scope = require_admin()
    user = services.user_get(scope=scope, user_id=user_id)
    services.user_sign_out_everywhere(actor_id=current_user.id, user=user)
    db.session.commit()
    flash(_("“%(name)s” is signed out on every device.", name=str(user)), "success")
    if user.id == current_user.id:
        return redirect(url_for(".login"))
    return redirect(url_for(".user_detail", user_id=user.id))


def _render_user_form(form: UserForm, user: User | None):
    failed = request.method == "POST" and (form.errors or form.form_errors)
    return render_template("accounts/user_form.html", form=form, user=user), 422 if failed else 200
