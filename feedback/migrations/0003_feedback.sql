-- Feedback: one case per item from any channel; contact details kept apart from the case text.
CREATE TABLE categories (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name_sv        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    department     TEXT NOT NULL DEFAULT '',
    needs_location INTEGER NOT NULL DEFAULT 0,
    ack_days       INTEGER NOT NULL DEFAULT 2,
    answer_days    INTEGER NOT NULL DEFAULT 10,
    description_sv TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE reference_counters (
    prefix TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

-- Open311 API keys of third-party apps. Only a SHA-256 of the key is kept: it is random and long, so a
-- slow password hash would add nothing, and a copy of the database grants no access.
CREATE TABLE open311_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    key_prefix   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    last_used_at TEXT,
    revoked_at   TEXT,
    -- The nonce of the staff form that created the key: a reloaded POST creates no second key.
    form_nonce   TEXT UNIQUE
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
    -- The part of the municipality it concerns (a code of `districts`), when the resident or staff said so.
    district_code    TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL DEFAULT 'new'
                     CHECK (state IN ('new', 'open', 'waiting', 'answered', 'closed', 'rejected')),
    tracking_token   TEXT NOT NULL UNIQUE,
    -- The channel's own id of the item (form nonce, Message-ID, MessageSid): delivered twice, stored once.
    idempotency_key  TEXT UNIQUE,
    answered_directly INTEGER NOT NULL DEFAULT 0,
    subject          TEXT NOT NULL DEFAULT '',
    -- Routing fields, filled in from the category at intake; handling changes them later.
    department       TEXT NOT NULL DEFAULT '',
    priority         TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    assignee_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- A case under secrecy review (offentlighets- och sekretesslagen) is kept out of everything published.
    secret           INTEGER NOT NULL DEFAULT 0,
    created_by_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    open311_key_id   INTEGER REFERENCES open311_keys (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    ack_due_at       TEXT,
    answer_due_at    TEXT,
    closed_at        TEXT
);
CREATE INDEX cases_state ON cases (state, created_at);
CREATE INDEX cases_channel ON cases (channel, created_at);

CREATE TABLE case_contacts (
    case_id INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    name    TEXT NOT NULL DEFAULT '',
    email   TEXT NOT NULL DEFAULT '',
    phone   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_contacts_phone ON case_contacts (phone);
CREATE INDEX case_contacts_email ON case_contacts (email);

CREATE TABLE case_events (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at        TEXT NOT NULL,
    user_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, at);

-- The thread of a case after its first text: the resident's further messages ('in'), replies ('out') and
-- internal notes ('note'). external_id is the channel's own id ('email:<Message-ID>', 'sms:<MessageSid>'),
-- so a message delivered twice is stored once and an e-mail reply can be matched to its case.
CREATE TABLE case_messages (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at             TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('in', 'out', 'note')),
    channel        TEXT NOT NULL,
    author_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body           TEXT NOT NULL,
    external_id    TEXT UNIQUE
);
CREATE INDEX case_messages_case ON case_messages (case_id, at);

-- Files sent with a case (web form, e-mail). Kept in the database so a backup holds the whole case.
CREATE TABLE case_attachments (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    message_id   INTEGER REFERENCES case_messages (id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments (case_id);

-- A starting set of categories, as a Swedish municipality typically sorts its feedback; admins adjust them.
INSERT INTO categories (code, name_sv, name_en, department, needs_location, ack_days, answer_days, description_sv)
VALUES
    ('gata', 'Gator, vägar och belysning', 'Streets, roads and lighting', 'Samhällsbyggnad', 1, 2, 10,
     'Potthål, trasig gatubelysning, snöröjning och halkbekämpning.'),
    ('park', 'Parker, lekplatser och natur', 'Parks, playgrounds and nature', 'Samhällsbyggnad', 1, 2, 10,
     'Skötsel av parker, lekplatser, grönytor och badplatser.'),
    ('avfall', 'Avfall och återvinning', 'Waste and recycling', 'Samhällsbyggnad', 0, 2, 10,
     'Sophämtning, återvinningsstationer och nedskräpning.'),
    ('trafik', 'Trafik och parkering', 'Traffic and parking', 'Samhällsbyggnad', 1, 2, 10,
     'Skyltar, trafiksäkerhet, parkering och kollektivtrafik.'),
    ('skola', 'Förskola och skola', 'Preschool and school', 'Utbildning', 0, 2, 10,
     'Förskola, grundskola, gymnasium och skolskjuts.'),
    ('omsorg', 'Vård och omsorg', 'Health and social care', 'Socialtjänst', 0, 2, 10,
     'Hemtjänst, särskilt boende, stöd och service.'),
    ('kultur', 'Kultur och fritid', 'Culture and leisure', 'Kultur och fritid', 0, 2, 10,
     'Bibliotek, idrottsanläggningar, simhall och föreningsliv.'),
    ('bygga', 'Bygga, bo och miljö', 'Building, housing and environment', 'Samhällsbyggnad', 0, 2, 15,
     'Bygglov, buller, miljö- och hälsoskydd.'),
    ('ovrigt', 'Övrigt', 'Other', 'Kommunledning', 0, 2, 10,
     'Allt som inte passar i någon annan kategori.');
