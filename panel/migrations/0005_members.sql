-- The member registry around the core `members` table: the consent texts members agreed to, each member's
-- status history, pending sign-ups (double opt-in), population counts for composition and sampling, and
-- anonymous tallies that keep growth/attrition charts right after a member is erased.

-- The exact text shown at sign-up, per version and language: the consent record on a member points here,
-- so a data-protection officer can see word for word what each member agreed to.
CREATE TABLE consent_texts (
    version    TEXT NOT NULL,
    language   TEXT NOT NULL CHECK (language IN ('sv', 'en')),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (version, language)
);

INSERT INTO consent_texts (version, language, body) VALUES
('2026-1', 'sv',
 'Jag vill vara med i kommunens medborgarpanel. Jag samtycker till att kommunen sparar mitt mobilnummer och '
 || 'de uppgifter jag lämnar (namn, e-post, språk, födelseår, kön och område) för att skicka mig enkäter per '
 || 'SMS, några gånger per år. Mina svar sparas skilda från mitt nummer och redovisas bara sammanställda. '
 || 'Jag kan när som helst lämna panelen genom att svara STOPP på ett SMS eller via länken Lämna panelen; '
 || 'då raderas mina kontaktuppgifter. Jag har rätt att få ut de uppgifter som finns om mig.'),
('2026-1', 'en',
 'I want to take part in the municipality''s citizen panel. I agree that the municipality stores my mobile '
 || 'number and the details I give (name, e-mail, language, birth year, gender and district) to send me '
 || 'surveys by SMS a few times a year. My answers are kept apart from my number and only reported in '
 || 'aggregate. I can leave the panel at any time by replying STOP to a text or through the Leave the panel '
 || 'link; my contact details are then erased. I have the right to receive the data held about me.');

CREATE TABLE member_status_history (
    id        INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status    TEXT NOT NULL CHECK (status IN ('pending', 'active', 'paused', 'left', 'invalid')),
    at        TEXT NOT NULL,
    -- How the change came: web, sms, staff, import, provider (a permanent delivery error) or retention.
    channel   TEXT NOT NULL,
    user_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX member_status_history_member ON member_status_history (member_id, id);
CREATE INDEX member_status_history_at ON member_status_history (at);

-- A sign-up waits here, not in `members`, until the phone's owner types the SMS code: an unconfirmed
-- number has consented to nothing. Rows are deleted when confirmed, expired or erased.
CREATE TABLE member_signups (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    phone       TEXT NOT NULL,
    details     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX member_signups_phone ON member_signups (phone, created_at);

CREATE TABLE population (
    district_id INTEGER NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    age_band    TEXT NOT NULL,
    gender      TEXT NOT NULL CHECK (gender IN ('woman', 'man')),
    count       INTEGER NOT NULL CHECK (count >= 0),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (district_id, age_band, gender)
);

-- Joins and departures of erased members by month, with nothing that points back to a person.
CREATE TABLE member_flow_erased (
    month  TEXT PRIMARY KEY,
    joined INTEGER NOT NULL DEFAULT 0,
    departed INTEGER NOT NULL DEFAULT 0
);

-- Paging and counting stay on indexes at 100,000 members; fatigue rules look up invitations per member.
CREATE INDEX members_district ON members (district_id, id);
-- Covers the composition page's count of active members by district, gender and birth year.
CREATE INDEX members_composition ON members (status, district_id, gender, birth_year);
CREATE INDEX members_joined ON members (joined_at);
CREATE INDEX members_left ON members (left_at);
CREATE INDEX invitations_member_created ON invitations (member_id, created_at);
