"""Editor accounts: scrypt password hashes and API tokens stored only as SHA-256 digests.

A token is shown once, when it is made; the warehouse keeps its digest, so a copied database file
does not leak working credentials. Removing an editor stamps ``removed_at`` (the row and its
review history stay); every account change is appended to ``editor_events`` for the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from claimtrack.clock import Clock, utcnow
from claimtrack.errors import AuthError, InputError
from warehouse.db import Connection, Warehouse
from warehouse.review import open_connection, open_transaction

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 10
# scrypt at n=2**14, r=8, p=1: 16 MiB and ~50 ms per try, OWASP's floor for interactive logins
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32
_DUMMY = "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 32


@dataclass(frozen=True, slots=True)
class Editor:
    name: str
    created_at: datetime
    removed_at: datetime | None = None
    has_token: bool = False

    @property
    def active(self) -> bool:
        return self.removed_at is None


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(bytes.fromhex(digest)),
                             maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return "ct_" + secrets.token_urlsafe(32)


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise InputError(
            f"bad editor name {name!r}: use 1-64 letters, digits, '.', '_' or '-'")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password too short: use at least {MIN_PASSWORD} characters")
    return password


def _event(con: Connection, editor: str, action: str, actor: str | None, now: datetime) -> None:
    seq = con.execute("SELECT nextval('review_seq')").fetchone()
    con.execute(
        "INSERT INTO editor_events (id, editor, action, actor, created_at) VALUES (?, ?, ?, ?, ?)",
        [f"ev_{int(seq[0]) if seq else 0:012d}", editor, action, actor, now])


def _editor(row: tuple[object, ...]) -> Editor:
    return Editor(str(row[0]), row[1], row[2], bool(row[3]))  # type: ignore[arg-type]


class Accounts:
    """Editor accounts in one warehouse."""

    def __init__(self, wh: Warehouse, *, clock: Clock = utcnow, read_only: bool = False) -> None:
        self.wh = wh
        self.clock = clock
        self.read_only = read_only

    def add(self, name: str, password: str, *, actor: str | None = None) -> str:
        """Create (or bring back) an editor; returns the API token, which is not stored."""
        check_name(name)
        check_password(password)
        token = new_token()
        now = self.clock()
        with open_transaction(self.wh) as con:
            row = con.execute("SELECT removed_at FROM editors WHERE name = ?", [name]).fetchone()
            if row is not None and row[0] is None:
                raise InputError(f"editor {name!r} already exists")
            if row is None:
                con.execute("INSERT INTO editors (name, password_hash, token_hash, created_at) "
                            "VALUES (?, ?, ?, ?)",
                            [name, hash_password(password), hash_token(token), now])
            else:
                con.execute("UPDATE editors SET password_hash = ?, token_hash = ?, "
                            "removed_at = NULL WHERE name = ?",
                            [hash_password(password), hash_token(token), name])
            _event(con, name, "added", actor, now)
        return token

    def remove(self, name: str, *, actor: str | None = None) -> None:
        now = self.clock()
        with open_transaction(self.wh) as con:
            row = con.execute("SELECT removed_at FROM editors WHERE name = ?", [name]).fetchone()
            if row is None or row[0] is not None:
                raise InputError(f"no editor named {name!r}")
            con.execute("UPDATE editors SET removed_at = ? WHERE name = ?", [now, name])
            _event(con, name, "removed", actor, now)

    def reset_token(self, name: str, *, actor: str | None = None) -> str:
        token = new_token()
        now = self.clock()
        with open_transaction(self.wh) as con:
            row = con.execute("SELECT removed_at FROM editors WHERE name = ?", [name]).fetchone()
            if row is None or row[0] is not None:
                raise InputError(f"no editor named {name!r}")
            con.execute("UPDATE editors SET token_hash = ? WHERE name = ?",
                        [hash_token(token), name])
            _event(con, name, "token_reset", actor, now)
        return token

    def list(self, *, include_removed: bool = False) -> list[Editor]:
        with open_connection(self.wh, read_only=self.read_only) as con:
            rows = con.execute(
                "SELECT name, created_at, removed_at, token_hash IS NOT NULL FROM editors "
                "WHERE ? OR removed_at IS NULL ORDER BY name", [include_removed]).fetchall()
        return [_editor(r) for r in rows]

    def get(self, name: str) -> Editor | None:
        """An active editor, or None."""
        with open_connection(self.wh, read_only=self.read_only) as con:
            row = con.execute(
                "SELECT name, created_at, removed_at, token_hash IS NOT NULL FROM editors "
                "WHERE name = ? AND removed_at IS NULL", [name]).fetchone()
        return _editor(row) if row else None

    def authenticate(self, name: str, password: str) -> Editor:
        """The editor if the password is right; ``AuthError`` otherwise (same work either way)."""
        with open_connection(self.wh, read_only=self.read_only) as con:
            row = con.execute(
                "SELECT name, created_at, removed_at, token_hash IS NOT NULL, password_hash "
                "FROM editors WHERE name = ? AND removed_at IS NULL", [name]).fetchone()
        ok = verify_password(password, str(row[4]) if row else _DUMMY)
        if row is None or not ok:
            raise AuthError("unknown editor or wrong password")
        return _editor(row)

    def for_token(self, token: str) -> Editor:
        if not token:
            raise AuthError("missing API token")
        with open_connection(self.wh, read_only=self.read_only) as con:
            row = con.execute(
                "SELECT name, created_at, removed_at, true FROM editors "
                "WHERE token_hash = ? AND removed_at IS NULL", [hash_token(token)]).fetchone()
        if row is None:
            raise AuthError("unknown or revoked API token")
        return _editor(row)
