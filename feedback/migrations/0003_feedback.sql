-- Feedback: one case per item from any channel; contact details kept apart from the case text.
CREATE TABLE categories (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name_sv        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    department     TEXT NOT NULL DEFAULT '',
    needs_location INTEGER NOT NULL DEFAULT 0,
    ack_days       INTEGER NOT NULL DEFAULT 2,
    answer_days    INTEGER NOT NULL DEFAULT 10
);

CREATE TABLE reference_counters (
    prefix TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE,
    channel          TEXT NOT NULL
                     CHECK (channel IN ('web', 'email', 'sms', 'phone', 'visit', 'letter', 'open311')),
    kind             TEXT NOT NULL
                     CHECK (kind IN ('complaint', 'praise', 'idea', 'question', 'fault_report')),
    category_id      INTEGER REFERENCES categories (id),
    body             TEXT NOT NULL,
    location_text    TEXT NOT NULL DEFAULT '',
    latitude         REAL,
    longitude        REAL,
    state            TEXT NOT NULL DEFAULT 'new'
                     CHECK (state IN ('new', 'open', 'waiting', 'answered', 'closed', 'rejected')),
    tracking_token   TEXT NOT NULL UNIQUE,
    -- The channel's own id of the item (form nonce, Message-ID, MessageSid): delivered twice, stored once.
    idempotency_key  TEXT UNIQUE,
    answered_directly INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    answer_due_at    TEXT,
    closed_at        TEXT
);
CREATE INDEX cases_state ON cases (state, created_at);

CREATE TABLE case_contacts (
    case_id INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    name    TEXT NOT NULL DEFAULT '',
    email   TEXT NOT NULL DEFAULT '',
    phone   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE case_events (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at        TEXT NOT NULL,
    user_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, at);
