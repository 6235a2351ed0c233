-- Surveys: answers reference an invitation, never a phone number. The invitation keeps a snapshot of the
-- member's district, age band and gender so that aggregates survive the member's erasure.
CREATE TABLE surveys (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    intro           TEXT NOT NULL DEFAULT '',
    invitation_text TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
    created_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    closes_at       TEXT,
    closed_at       TEXT
);

CREATE TABLE questions (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('single_choice', 'multiple_choice', 'scale_5', 'scale_10',
                                            'yes_no', 'free_text')),
    text      TEXT NOT NULL,
    required  INTEGER NOT NULL DEFAULT 1,
    options   TEXT NOT NULL DEFAULT '[]',
    UNIQUE (survey_id, position)
);

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    survey_id    INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    member_id    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    token        TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'sent', 'delivered', 'failed', 'opened', 'started', 'completed',
                                  'opted_out')),
    district_code TEXT NOT NULL DEFAULT '',
    age_band     TEXT NOT NULL DEFAULT '',
    gender       TEXT NOT NULL DEFAULT 'not_stated',
    created_at   TEXT NOT NULL,
    opened_at    TEXT,
    completed_at TEXT,
    UNIQUE (survey_id, member_id)
);
CREATE INDEX invitations_survey ON invitations (survey_id, state);

CREATE TABLE answers (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question_id   INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    value         TEXT NOT NULL,
    channel       TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'sms')),
    answered_at   TEXT NOT NULL,
    UNIQUE (invitation_id, question_id)
);
CREATE INDEX answers_question ON answers (question_id, value);
