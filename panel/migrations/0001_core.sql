-- Core: generated secrets, staff accounts and sessions, the audit log, districts and the panel members.
CREATE TABLE app_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL DEFAULT '',
    -- Where deadline reminders and other work mail reach the person; empty: none.
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'handler', 'analyst', 'viewer')),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_login_at TEXT
);

-- The cookie holds a random id; only its SHA-256 is stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

CREATE TABLE districts (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE members (
    id               INTEGER PRIMARY KEY,
    phone            TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    language         TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
    birth_year       INTEGER,
    gender           TEXT NOT NULL DEFAULT 'not_stated'
                     CHECK (gender IN ('woman', 'man', 'other', 'not_stated')),
    district_id      INTEGER REFERENCES districts (id),
    status           TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('pending', 'active', 'paused', 'left', 'invalid')),
    consent_version  TEXT NOT NULL DEFAULT '',
    consent_at       TEXT,
    consent_channel  TEXT NOT NULL DEFAULT '',
    joined_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    left_at          TEXT,
    last_surveyed_at TEXT
);
CREATE INDEX members_status ON members (status, district_id);

-- Failed log-ins, for throttling by user name and by address; old rows are pruned at each log-in.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE,
    address  TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
