-- Case handling: merging, the answer time, the resident's verdict, the retention mark, reply phrases,
-- departments to forward to, and the outgoing e-mail outbox. Assignee, priority, department and the secrecy
-- flag are columns of 0003 already (filled in at intake).
ALTER TABLE cases ADD COLUMN merged_into_id INTEGER REFERENCES cases (id) ON DELETE SET NULL;
ALTER TABLE cases ADD COLUMN answered_at TEXT;
-- The resident's verdict on the answer from the tracking page: 1 resolved, 0 not resolved, NULL not said.
ALTER TABLE cases ADD COLUMN resolved INTEGER;
-- Set by the retention job when the contact details were removed; the case text stays for statistics.
ALTER TABLE cases ADD COLUMN contacts_purged_at TEXT;
CREATE INDEX cases_assignee ON cases (assignee_user_id, state);
CREATE INDEX cases_due ON cases (state, answer_due_at);
CREATE INDEX cases_closed ON cases (closed_at);

CREATE TABLE departments (
    name  TEXT PRIMARY KEY,
    -- Where the daily reminder of its overdue unassigned cases goes; empty: no e-mail.
    email TEXT NOT NULL DEFAULT ''
);

-- Reply templates; category_id NULL means the phrase suits every category.
CREATE TABLE case_phrases (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER REFERENCES categories (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (category_id, title)
);

CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    ref_type        TEXT NOT NULL DEFAULT '',
    ref_id          INTEGER,
    -- One mail per (thing, purpose): enqueueing twice is a no-op, like the SMS outbox.
    dedupe_key      TEXT UNIQUE,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    error_message   TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (state, next_attempt_at);
CREATE INDEX email_outbox_ref ON email_outbox (ref_type, ref_id);
