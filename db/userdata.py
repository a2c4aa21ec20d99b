"""The visitor's own data: favourites and notes, in a user file apart from any expo.

Records are keyed by (expo slug, kind, stable id), so that replacing or
re-importing an expo file never loses them. The file runs in WAL mode with
``synchronous=FULL`` and every change is its own short transaction: once a call
here returns, the change survives a killed process or a power cut.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from pathlib import Path

from .errors import DataError
from .expo import _check_header

USER_VERSION = 1
USER_APP_ID = 0x57534255  # "WSBU"

_V1 = [
    """CREATE TABLE favourites (
        expo TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,
        PRIMARY KEY (expo, kind, ref)) WITHOUT ROWID""",
    """CREATE TABLE notes (
        expo TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '[]',
        created TEXT NOT NULL, updated TEXT NOT NULL,
        PRIMARY KEY (expo, kind, ref)) WITHOUT ROWID""",
]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class UserData:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() and self.path.stat().st_size:
            _check_header(self.path)
        self.conn = sqlite3.connect(str(self.path), isolation_level=None,
                                    check_same_thread=False, timeout=10)
        try:
            # Check the version before anything (WAL included) touches the file.
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > USER_VERSION:
                raise DataError(f"{self.path}: user file from a newer version "
                                f"(schema {version}); it was left untouched")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise DataError(f"{self.path}: cannot open the user file ({exc})") from None
        except BaseException:
            self.conn.close()
            raise

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _V1:
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA application_id = {USER_APP_ID}")
                self.conn.execute(f"PRAGMA user_version = {USER_VERSION}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ favourites
    def is_favourite(self, expo: str, kind: str, ref: str) -> bool:
        return self.conn.execute("SELECT 1 FROM favourites WHERE expo=? AND kind=? AND ref=?",
                                 (expo, kind, ref)).fetchone() is not None

    def set_favourite(self, expo: str, kind: str, ref: str, on: bool) -> None:
        if on:
            pos = self.conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM favourites "
                                    "WHERE expo = ?", (expo,)).fetchone()[0]
            self.conn.execute("INSERT OR IGNORE INTO favourites(expo, kind, ref, position, created)"
                              " VALUES (?,?,?,?,?)", (expo, kind, ref, pos, _now()))
        else:
            self.conn.execute("DELETE FROM favourites WHERE expo=? AND kind=? AND ref=?",
                              (expo, kind, ref))

    def toggle_favourite(self, expo: str, kind: str, ref: str) -> bool:
        on = not self.is_favourite(expo, kind, ref)
        self.set_favourite(expo, kind, ref, on)
        return on

    def favourites(self, expo: str) -> list[tuple[str, str]]:
        return [(k, r) for k, r in self.conn.execute(
            "SELECT kind, ref FROM favourites WHERE expo = ? ORDER BY position, created", (expo,))]

    # ------------------------------------------------------------------ notes
    def note(self, expo: str, kind: str, ref: str) -> dict | None:
        row = self.conn.execute("SELECT text, tags, created, updated FROM notes "
                                "WHERE expo=? AND kind=? AND ref=?", (expo, kind, ref)).fetchone()
        if row is None:
            return None
        return {"text": row[0], "tags": json.loads(row[1]), "created": row[2], "updated": row[3]}

    def save_note(self, expo: str, kind: str, ref: str, text: str,
                  tags: list[str] | None = None) -> str:
        """Store a note (empty text with no tags deletes it); returns the timestamp.

        ``tags=None`` keeps the note's tags as they are (the editor saves text only).
        """
        now = _now()
        if tags is None:
            row = self.conn.execute("SELECT tags FROM notes WHERE expo=? AND kind=? AND ref=?",
                                    (expo, kind, ref)).fetchone()
            tags = json.loads(row[0]) if row else []
        if not text.strip() and not tags:
            self.conn.execute("DELETE FROM notes WHERE expo=? AND kind=? AND ref=?",
                              (expo, kind, ref))
            return now
        self.conn.execute(
            "INSERT INTO notes(expo, kind, ref, text, tags, created, updated) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT(expo, kind, ref) DO UPDATE SET "
            "text = excluded.text, tags = excluded.tags, updated = excluded.updated",
            (expo, kind, ref, text, json.dumps(tags or [], ensure_ascii=False), now, now))
        return now

    def notes(self, expo: str) -> list[dict]:
        cur = self.conn.execute("SELECT kind, ref, text, tags, updated FROM notes WHERE expo = ? "
                                "ORDER BY updated DESC", (expo,))
        return [{"kind": k, "ref": r, "text": t, "tags": json.loads(g), "updated": u}
                for k, r, t, g, u in cur]

    # ------------------------------------------------------- plan helpers
    def reorder_favourites(self, expo: str, items: list[tuple[str, str]]) -> None:
        """Put these favourites first, in this order (one transaction); others follow."""
        rest = [f for f in self.favourites(expo) if f not in set(items)]
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for pos, (kind, ref) in enumerate(list(items) + rest, 1):
                self.conn.execute("UPDATE favourites SET position = ? "
                                  "WHERE expo = ? AND kind = ? AND ref = ?", (pos, expo, kind, ref))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def set_tags(self, expo: str, kind: str, ref: str, tags: list[str]) -> str:
        """Change a note's tags, keeping its text; returns the timestamp."""
        note = self.note(expo, kind, ref)
        clean = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
        return self.save_note(expo, kind, ref, note["text"] if note else "", tags=clean)

    def tags(self, expo: str) -> list[str]:
        """Every tag used in this expo's notes, sorted."""
        found = set()
        for (raw,) in self.conn.execute("SELECT tags FROM notes WHERE expo = ?", (expo,)):
            found.update(json.loads(raw))
        return sorted(found, key=str.casefold)

    def orphans(self, expo: str, exists) -> list[dict]:
        """Favourites and notes whose record ``exists(kind, ref)`` says is gone. Kept, not dropped."""
        out: dict[tuple[str, str], dict] = {}
        for kind, ref in self.favourites(expo):
            if not exists(kind, ref):
                out[(kind, ref)] = {"kind": kind, "ref": ref, "favourite": True, "note": None}
        for n in self.notes(expo):
            key = (n["kind"], n["ref"])
            if not exists(*key):
                out.setdefault(key, {"kind": key[0], "ref": key[1], "favourite": False})
                out[key]["note"] = {k: n[k] for k in ("text", "tags", "updated")}
        return list(out.values())
