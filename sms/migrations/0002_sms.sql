-- The SMS outbox: every outgoing message is a row written in the same transaction as what caused it.
-- States: queued -> sending (claimed; with provider_sid: accepted by the provider) -> sent -> delivered,
-- or undelivered / failed / cancelled. A 'sending' row without provider_sid whose next_attempt_at has
-- passed is an attempt with an unknown outcome: the dispatcher reconciles it with the provider's list
-- before anything is sent again.
CREATE TABLE sms_messages (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT NOT NULL,
    body            TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    ref_type        TEXT NOT NULL DEFAULT '',
    ref_id          INTEGER,
    -- One message per (thing, purpose): enqueueing twice is a no-op, so nobody gets the same text twice.
    dedupe_key      TEXT UNIQUE,
    urgent          INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed',
                                     'cancelled')),
    segments        INTEGER NOT NULL DEFAULT 1,
    attempts        INTEGER NOT NULL DEFAULT 0,
    attempt_started_at TEXT,
    next_attempt_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    provider_sid    TEXT UNIQUE,
    error_code      TEXT NOT NULL DEFAULT '',
    error_message   TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at         TEXT
);
CREATE INDEX sms_messages_due ON sms_messages (state, next_attempt_at);
CREATE INDEX sms_messages_ref ON sms_messages (ref_type, ref_id);
CREATE INDEX sms_messages_recipient ON sms_messages (recipient, created_at);

CREATE TABLE sms_inbound (
    id           INTEGER PRIMARY KEY,
    message_sid  TEXT NOT NULL UNIQUE,
    from_number  TEXT NOT NULL,
    to_number    TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    received_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- 'keyword:opt_out', the inbound handler that took it, or '' when nobody did
    handled_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sms_inbound_from ON sms_inbound (from_number, received_at);
