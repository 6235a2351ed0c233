-- Surveys: answers reference an invitation, never a phone number. The invitation keeps a snapshot of the
-- member's district, age band and gender so that aggregates survive the member's erasure.
--
-- How answers are stored (results SQL depends on this):
--   * one row per (invitation, question) — except multiple choice, which has one row per chosen option;
--   * `value` is text: single and multiple choice store the 1-based option number ("1", "2", ...) whose
--     labels are questions.options (Swedish) and questions.options_en (English), JSON lists of equal length;
--     scale_5 stores "1".."5", scale_10 "0".."10"; yes_no stores "yes" or "no"; free_text the text itself;
--     a "don't know" answer (questions.dont_know = 1) stores "dont_know" for any kind.
--   * a skipped optional question has no row. An invitation counts as answered when completed_at is set.
CREATE TABLE surveys (
    id                  INTEGER PRIMARY KEY,
    title               TEXT NOT NULL,
    title_en            TEXT NOT NULL DEFAULT '',
    intro               TEXT NOT NULL DEFAULT '',
    intro_en            TEXT NOT NULL DEFAULT '',
    -- Placeholders {link}, {deadline} and {name}; the English text goes to members whose language is en.
    invitation_text     TEXT NOT NULL,
    invitation_text_en  TEXT NOT NULL DEFAULT '',
    -- Empty reminder texts: a built-in reminder in the member's language is sent.
    reminder_text       TEXT NOT NULL DEFAULT '',
    reminder_text_en    TEXT NOT NULL DEFAULT '',
    state               TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
    created_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    copied_from         INTEGER REFERENCES surveys (id) ON DELETE SET NULL,
    -- Answers are accepted from opens_at (NULL: from sending) until closes_at; closed_at freezes the counts.
    opens_at            TEXT,
    sent_at             TEXT,
    closes_at           TEXT,
    closed_at           TEXT,
    -- Reminder plan: to members who have not completed, reminder_after_days after sending (0: no reminders),
    -- then again every reminder_after_days, at most reminder_max times.
    reminder_after_days INTEGER NOT NULL DEFAULT 0 CHECK (reminder_after_days >= 0),
    reminder_max        INTEGER NOT NULL DEFAULT 0 CHECK (reminder_max BETWEEN 0 AND 5),
    -- The target the survey was sent to, as JSON (for the record; members' data is not copied here).
    target              TEXT NOT NULL DEFAULT '',
    invited_count       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX surveys_state ON surveys (state, closes_at);

CREATE TABLE questions (
    id         INTEGER PRIMARY KEY,
    survey_id  INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    -- Questions on one page are shown together; the answer page saves each page as the member goes.
    page       INTEGER NOT NULL DEFAULT 1 CHECK (page >= 1),
    kind       TEXT NOT NULL CHECK (kind IN ('single_choice', 'multiple_choice', 'scale_5', 'scale_10',
                                             'yes_no', 'free_text')),
    text       TEXT NOT NULL,
    text_en    TEXT NOT NULL DEFAULT '',
    required   INTEGER NOT NULL DEFAULT 1,
    dont_know  INTEGER NOT NULL DEFAULT 0,
    options    TEXT NOT NULL DEFAULT '[]',
    options_en TEXT NOT NULL DEFAULT '[]',
    UNIQUE (survey_id, position)
);

CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY,
    survey_id      INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    member_id      INTEGER REFERENCES members (id) ON DELETE SET NULL,
    token          TEXT NOT NULL UNIQUE,
    state          TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'sent', 'delivered', 'failed', 'opened', 'started', 'completed',
                                    'opted_out')),
    language       TEXT NOT NULL DEFAULT 'sv',
    district_code  TEXT NOT NULL DEFAULT '',
    age_band       TEXT NOT NULL DEFAULT '',
    gender         TEXT NOT NULL DEFAULT 'not_stated',
    created_at     TEXT NOT NULL,
    sent_at        TEXT,
    delivered_at   TEXT,
    opened_at      TEXT,
    started_at     TEXT,
    completed_at   TEXT,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    last_sent_at   TEXT,
    -- The question an SMS-reply dialogue is waiting for (NULL: no dialogue started).
    sms_question_id INTEGER REFERENCES questions (id) ON DELETE SET NULL,
    UNIQUE (survey_id, member_id)
);
CREATE INDEX invitations_survey ON invitations (survey_id, state);
CREATE INDEX invitations_member ON invitations (member_id, state);

CREATE TABLE answers (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question_id   INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    value         TEXT NOT NULL,
    channel       TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'sms')),
    answered_at   TEXT NOT NULL,
    UNIQUE (invitation_id, question_id, value)
);
CREATE INDEX answers_question ON answers (question_id, value);
