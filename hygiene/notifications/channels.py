"""The ways a notification reaches a person: the in-app inbox, e-mail and SMS."""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

from hygiene.accounts.contact import is_mobile
from hygiene.accounts.models import User
from hygiene.core.web import absolute_url
from hygiene.notifications.models import ChannelName, Notification

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 10  # seconds; a hung mail server must not hold the dispatcher for long


class PermanentFailure(Exception):
    """This notification can never be delivered (no address, unknown channel): do not retry."""


class DeliveryUnconfirmed(Exception):
    """The message went out but the channel never confirmed it (e.g. the mail server fell silent
    after the whole message was sent): it may have been delivered, so it is not sent again."""


class Channel(Protocol):
    def send(self, notification: Notification, recipient: User) -> None:
        """Deliver the notification or raise; returning means the channel accepted it."""


def email_address(user: User) -> str:
    """The user's e-mail address, '' when none."""
    return (user.email or "").strip()


def phone_number(user: User) -> str:
    """The user's mobile number, '' when none (a landline cannot take a text message)."""
    phone = (user.phone or "").strip()
    return phone if is_mobile(phone) else ""


class InAppChannel:
    """The row itself is the delivery: the inbox reads it, so there is nothing to send."""

    def send(self, notification: Notification, recipient: User) -> None:
        return None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    use_tls: bool = False  # STARTTLS, usually port 587
    use_ssl: bool = False  # TLS from the first byte, usually port 465 (QQ, 163, Aliyun mail)
    sender: str = ""
    link_base: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        return cls(host=config.get("MAIL_SERVER", ""), port=int(config.get("MAIL_PORT", 25)),
                   username=config.get("MAIL_USERNAME", ""), password=config.get("MAIL_PASSWORD", ""),
                   use_tls=bool(config.get("MAIL_USE_TLS", False)),
                   use_ssl=bool(config.get("MAIL_USE_SSL", False)),
                   sender=config.get("MAIL_FROM", "") or "hygiene@localhost",
                   link_base=config.get("PUBLIC_BASE_URL", "").rstrip("/"))


class EmailChannel:
    """Plain SMTP, one connection per message so one bad message cannot spoil the next."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def send(self, notification: Notification, recipient: User) -> None:
        address = email_address(recipient)
        if not address:
            raise PermanentFailure("the recipient has no e-mail address")
        message = self.compose(notification, address)
        smtp = self._connect()
        try:
            if self.settings.use_tls and not self.settings.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if self.settings.username:
                smtp.login(self.settings.username, self.settings.password)
            smtp.send_message(message)
        except smtplib.SMTPResponseException:
            smtp.close()
            raise  # the server answered no: nothing was accepted, a retry is safe
        except OSError as error:  # a timeout or a dropped line, SMTPServerDisconnected included
            smtp.close()
            if smtp.message_sent:
                raise DeliveryUnconfirmed(f"no answer after the message was sent: {error}") from error
            raise  # before the message went out: nothing to duplicate, a retry is safe
        except BaseException:
            smtp.close()
            raise
        _quit_quietly(smtp)  # the message is accepted: a slow or failed QUIT changes nothing

    def _connect(self) -> _TrackedSMTP | _TrackedSMTP_SSL:
        host, port = self.settings.host, self.settings.port
        if self.settings.use_ssl:
            return _TrackedSMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
        return _TrackedSMTP(host, port, timeout=SMTP_TIMEOUT)

    def compose(self, notification: Notification, address: str) -> EmailMessage:
        """Build the UTF-8 message; its Message-ID is fixed per row so a resend can be spotted."""
        domain = self.settings.sender.rpartition("@")[2] or "localhost"
        message = EmailMessage()
        message["Subject"] = notification.subject
        message["From"] = self.settings.sender
        message["To"] = address
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<notification-{notification.id}@{domain}>"
        body = notification.body
        if notification.link and self.settings.link_base:
            body = f"{body}\n\n{absolute_url(self.settings.link_base, notification.link)}"
        message.set_content(body)
        return message


class _TracksMessage:
    """Knows whether the message itself (the DATA payload) has gone out on the wire.

    smtplib's data() sends the command as text and the payload as bytes: the first bytes sent
    inside data() are the message. From then on a silent server leaves the outcome unknown.
    """

    message_sent = False
    _in_data = False

    def data(self, msg):
        self._in_data = True
        try:
            return super().data(msg)  # type: ignore[misc]  # a mixin: smtplib.SMTP follows it in the bases
        finally:
            self._in_data = False

    def send(self, s):
        super().send(s)  # type: ignore[misc]  # (a mixin) a payload cut off midway lacks its final dot: the server drops it
        if self._in_data and isinstance(s, bytes | bytearray):
            self.message_sent = True


class _TrackedSMTP(_TracksMessage, smtplib.SMTP):
    pass


class _TrackedSMTP_SSL(_TracksMessage, smtplib.SMTP_SSL):  # noqa: N801 (mirrors smtplib's name)
    pass


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


class SmsGateway(Protocol):
    def send_text(self, phone: str, text: str) -> None:
        """Hand one text message to the provider or raise."""


class LoggingSmsGateway:
    """Writes the text to the log instead of sending it; a real provider plugs in beside it."""

    def send_text(self, phone: str, text: str) -> None:
        masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "****"
        log.info("SMS to %s: %s", masked, text)


SMS_GATEWAYS: dict[str, type] = {"logging": LoggingSmsGateway}


class SmsChannel:
    def __init__(self, gateway: SmsGateway):
        self.gateway = gateway

    def send(self, notification: Notification, recipient: User) -> None:
        phone = phone_number(recipient)
        if not phone:
            raise PermanentFailure("the recipient has no mobile number")
        self.gateway.send_text(phone, f"{notification.subject} {notification.body}".strip())


def enabled_channels(config: Mapping[str, Any]) -> frozenset[str]:
    """The channels this installation can use: e-mail needs MAIL_SERVER, SMS a gateway."""
    names = {ChannelName.IN_APP.value}
    if config.get("MAIL_SERVER"):
        names.add(ChannelName.EMAIL.value)
    if config.get("SMS_GATEWAY", "logging"):
        names.add(ChannelName.SMS.value)
    return frozenset(names)


def channels_from_config(config: Mapping[str, Any]) -> dict[str, Channel]:
    """Build the enabled channels from the application's settings."""
    channels: dict[str, Channel] = {ChannelName.IN_APP.value: InAppChannel()}
    enabled = enabled_channels(config)
    if ChannelName.EMAIL.value in enabled:
        channels[ChannelName.EMAIL.value] = EmailChannel(SmtpSettings.from_config(config))
    if ChannelName.SMS.value in enabled:
        name = config.get("SMS_GATEWAY", "logging")
        if name not in SMS_GATEWAYS:
            raise RuntimeError(f"SMS_GATEWAY {name!r} is unknown; known: {', '.join(SMS_GATEWAYS)}")
        channels[ChannelName.SMS.value] = SmsChannel(SMS_GATEWAYS[name]())
    return channels
