"""Rules of the supplies ledger (药物领取登记), with no database.

Banned acute rodenticides are refused by active ingredient; expired stock cannot be issued;
every movement keeps the office's stock and each holder's stock at or above zero, so the
ledger balances: stock in = office stock + what villages and units hold + what was used."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from hygiene.pests.quantities import Quantity, convert, unit_of
from hygiene.pests.refusals import Refused

RULES = Path(__file__).with_name("rules.yaml")
STORE = "store"                         # the office's own stock; any other holder is a village or unit
KINDS = ("in", "issue", "use", "return")
EXPIRY_WARNING_DAYS = 30
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣"), "-")
_CJK = re.compile(r"[\u3400-\u9fff]")


# --- banned active ingredients --------------------------------------------------------------

def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()


def _tokens(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+|[\u3400-\u9fff]", _normal(text))


def _compact(text: str) -> str:
    return "".join(_tokens(text))


@dataclass(frozen=True)
class BannedIngredient:
    key: str
    name: Mapping[str, str]
    aliases: tuple[str, ...]

    def found_in(self, text: str) -> bool:
        """Does `text` name this ingredient? Chinese names and long English names are found anywhere,
        whatever the spacing; short codes and CAS numbers only as whole words ("TETS", "80-12-6")."""
        compact, tokens = _compact(text), _tokens(text)
        for alias in (self.name["zh"], *self.aliases):
            wanted = _tokens(alias)
            if _CJK.search(alias) or (len(_compact(alias)) >= 6 and not any(c.isdigit() for c in alias)):
                if _compact(alias) in compact:
                    return True
            elif any(tokens[i:i + len(wanted)] == wanted for i in range(len(tokens) - len(wanted) + 1)):
                return True
        return False


def _load_banned() -> tuple[BannedIngredient, ...]:
    rows: Any = yaml.safe_load(RULES.read_text("utf-8"))["banned_rodenticides"]
    banned = tuple(BannedIngredient(row["key"], dict(row["name"]), tuple(str(a) for a in row.get("aliases", [])))
                   for row in rows)
    if not banned or any(not b.name.get("zh") or not _tokens(b.name["zh"]) for b in banned):
        raise ValueError(f"{RULES.name}: every banned rodenticide needs a Chinese name")
    return banned


BANNED_RODENTICIDES = _load_banned()


def banned_ingredient(active_ingredient: str) -> BannedIngredient | None:
    """The banned rodenticide an active-ingredient text names, if any."""
    return next((b for b in BANNED_RODENTICIDES if b.found_in(active_ingredient)), None)


def refuse_banned(active_ingredient: str, *, field: str = "active_ingredient") -> None:
    """Refuse a product whose active ingredient is a banned acute rodenticide."""
    banned = banned_ingredient(active_ingredient)
    if banned:
        raise Refused("banned_rodenticide",
                      f"{banned.name['zh']} ({banned.name['en']}) is a banned acute rodenticide "
                      "and cannot be entered.", field=field, ingredient=banned.key)


# --- expiry ---------------------------------------------------------------------------------

def is_expired(expiry: date | None, on: date) -> bool:
    """Past its expiry date on `on` (the expiry day itself is still usable); no date never expires."""
    return expiry is not None and on > expiry


def expires_soon(expiry: date | None, today: date, days: int = EXPIRY_WARNING_DAYS) -> bool:
    """Not expired yet, but will be within `days` days: time to remind the office."""
    return expiry is not None and today <= expiry <= today + timedelta(days=days)


# --- the running balance --------------------------------------------------------------------

@dataclass(frozen=True)
class Movement:
    kind: str                           # in | issue | use | return
    quantity: Quantity
    on: date
    holder: str = STORE                 # issue, return: the village or unit; use: whoever used it


@dataclass(frozen=True)
class Stock:
    """Where a product is, in the product's unit, after some movements."""

    unit: str
    store: Decimal = Decimal(0)
    held: Mapping[str, Decimal] = field(default_factory=dict)
    used: Decimal = Decimal(0)
    received: Decimal = Decimal(0)

    def holding(self, holder: str) -> Decimal:
        return self.store if holder == STORE else self.held.get(holder, Decimal(0))


def _take(stock: Stock, holder: str, amount: Decimal, unit: str) -> Stock:
    available = stock.holding(holder)
    if amount > available:
        who = "the office's stock" if holder == STORE else f"what {holder} holds"
        raise Refused("stock_too_low", f"Only {available.normalize():f} {unit} left in {who}; "
                      f"{amount.normalize():f} {unit} cannot be taken.", field="quantity",
                      available=available, wanted=amount, holder=holder)
    return _put(stock, holder, -amount)


def _put(stock: Stock, holder: str, amount: Decimal) -> Stock:
    if holder == STORE:
        return replace(stock, store=stock.store + amount)
    return replace(stock, held={**stock.held, holder: stock.holding(holder) + amount})


def apply(stock: Stock, movement: Movement, *, expiry: date | None = None) -> Stock:
    """The stock after one more movement; refused when it would take any stock below zero,
    or issue an expired product."""
    if movement.kind not in KINDS:
        raise Refused("unknown_movement", f"{movement.kind!r} is not a kind of movement ({', '.join(KINDS)}).",
                      field="kind")
    amount = convert(movement.quantity, stock.unit).amount
    holder, kind = movement.holder, movement.kind
    if kind == "in" and holder != STORE:
        raise Refused("wrong_holder", "Stock comes in to the office, not to a village or unit.", field="holder")
    if kind in ("issue", "return") and holder == STORE:
        raise Refused("wrong_holder", f"A movement of kind {kind!r} names the village or unit.", field="holder")
    if kind == "in":
        return replace(_put(stock, STORE, amount), received=stock.received + amount)
    if kind == "issue":
        if is_expired(expiry, movement.on):
            raise Refused("expired", f"The product expired on {expiry}; it cannot be issued.",
                          field="quantity", expiry=expiry)
        return _put(_take(stock, STORE, amount, stock.unit), holder, amount)
    if kind == "return":
        return _put(_take(stock, holder, amount, stock.unit), STORE, amount)
    return replace(_take(stock, holder, amount, stock.unit), used=stock.used + amount)


def replay(movements: Iterable[Movement], *, unit: str, expiry: date | None = None) -> list[Stock]:
    """The stock after each movement, in the order they happened; refused at the first bad one."""
    stock, running = Stock(unit_of(unit)), []
    for movement in movements:
        stock = apply(stock, movement, expiry=expiry)
        running.append(stock)
    return running
