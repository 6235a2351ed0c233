-- Publication and the read API: which results an analyst has made public, the tokens of the JSON API,
-- and the indexes that let results and statistics be counted in the database at 100,000 invitations.

-- One row per published survey: its aggregates appear on /results and in the open-data feed. Deleting the
-- row withdraws them. Identities are never published, so nothing else needs to be stored here.
CREATE TABLE survey_publications (
    survey_id    INTEGER PRIMARY KEY REFERENCES surveys (id) ON DELETE CASCADE,
    published_at TEXT NOT NULL,
    published_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- The analyst's short reading of the result, shown above the numbers on the public page.
    summary      TEXT NOT NULL DEFAULT ''
);

-- Published periods of the feedback statistics: '2026-10' for a month, '2026-Q4' for a quarter.
CREATE TABLE statistics_publications (
    period       TEXT PRIMARY KEY,
    published_at TEXT NOT NULL,
    published_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);

-- Tokens for /api/v1/ beyond what is public. Only a SHA-256 is kept: the token is random and long, so a
-- slow password hash would add nothing, and a copy of the database grants no access.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

-- Respondents of a survey by cell (district, age band, gender) straight from the index: the weighting
-- and the breakdowns read only this, and the answers join on their (invitation_id, ...) unique index.
CREATE INDEX invitations_results ON invitations (survey_id, completed_at, district_code, age_band, gender);
-- The same question in earlier surveys, for trends.
CREATE INDEX questions_trend ON questions (text, kind);
-- Feedback statistics count cases by month and category.
CREATE INDEX cases_created ON cases (created_at, category_id);
