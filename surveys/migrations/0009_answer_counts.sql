-- The results cube kept up to date as answers arrive, so that a results page reads a few thousand counter
-- rows instead of counting 600,000 answers (1.4 s at 100,000 invitations) on every request.
--
-- Only completed invitations count, as before. Triggers keep the counters right whatever writes the
-- answers (the answer page, SMS replies, an import): an answer added to or removed from a completed
-- invitation moves its counter, and completing an invitation (or undoing it) adds (or removes) all of its
-- answers at once. Free-text answers are not counted: they are read one by one, with masking.

CREATE TABLE answer_counts (
    question_id   INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    district_code TEXT NOT NULL,
    age_band      TEXT NOT NULL,
    gender        TEXT NOT NULL,
    value         TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (question_id, district_code, age_band, gender, value)
) WITHOUT ROWID;

-- Multiple choice has a row per ticked option, so its respondents per cell are counted apart: those who
-- ticked something other than "don't know" (the base of the percentages) and those who said "don't know".
CREATE TABLE answer_respondents (
    question_id   INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    district_code TEXT NOT NULL,
    age_band      TEXT NOT NULL,
    gender        TEXT NOT NULL,
    base          INTEGER NOT NULL,
    dont_know     INTEGER NOT NULL,
    PRIMARY KEY (question_id, district_code, age_band, gender)
) WITHOUT ROWID;

-- One answer more on a completed invitation.
CREATE TRIGGER answer_counts_insert AFTER INSERT ON answers
WHEN EXISTS (SELECT 1 FROM invitations WHERE id = NEW.invitation_id AND completed_at IS NOT NULL)
 AND (SELECT kind FROM questions WHERE id = NEW.question_id) <> 'free_text'
BEGIN
    INSERT INTO answer_counts (question_id, district_code, age_band, gender, value, n)
    SELECT NEW.question_id, i.district_code, i.age_band, i.gender, NEW.value, 1
    FROM invitations i WHERE i.id = NEW.invitation_id
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO answer_respondents (question_id, district_code, age_band, gender, base, dont_know)
    SELECT NEW.question_id, i.district_code, i.age_band, i.gender,
           NEW.value <> 'dont_know' AND NOT EXISTS (
               SELECT 1 FROM answers o WHERE o.invitation_id = NEW.invitation_id
               AND o.question_id = NEW.question_id AND o.value <> 'dont_know' AND o.id <> NEW.id),
           NEW.value = 'dont_know'
    FROM invitations i JOIN questions q ON q.id = NEW.question_id
    WHERE i.id = NEW.invitation_id AND q.kind = 'multiple_choice'
    ON CONFLICT DO UPDATE SET base = base + excluded.base, dont_know = dont_know + excluded.dont_know;
END;

-- One answer fewer on a completed invitation.
CREATE TRIGGER answer_counts_delete AFTER DELETE ON answers
WHEN EXISTS (SELECT 1 FROM invitations WHERE id = OLD.invitation_id AND completed_at IS NOT NULL)
 AND (SELECT kind FROM questions WHERE id = OLD.question_id) <> 'free_text'
BEGIN
    UPDATE answer_counts SET n = n - 1
    WHERE question_id = OLD.question_id AND value = OLD.value
      AND (district_code, age_band, gender) =
          (SELECT district_code, age_band, gender FROM invitations WHERE id = OLD.invitation_id);
    UPDATE answer_respondents
    SET base = base - (OLD.value <> 'dont_know' AND NOT EXISTS (
            SELECT 1 FROM answers o WHERE o.invitation_id = OLD.invitation_id
            AND o.question_id = OLD.question_id AND o.value <> 'dont_know')),
        dont_know = dont_know - (OLD.value = 'dont_know')
    WHERE question_id = OLD.question_id
      AND (district_code, age_band, gender) =
          (SELECT district_code, age_band, gender FROM invitations WHERE id = OLD.invitation_id);
END;

-- A deleted invitation takes its answers away first, while it still says that it was completed.
CREATE TRIGGER answer_counts_invitation_delete BEFORE DELETE ON invitations
WHEN OLD.completed_at IS NOT NULL
BEGIN
    DELETE FROM answers WHERE invitation_id = OLD.id;
END;

-- An invitation completed (or a completed one moved to another cell): its answers count, in its cell.
CREATE TRIGGER answer_counts_count AFTER UPDATE OF completed_at, district_code, age_band, gender ON invitations
WHEN NEW.completed_at IS NOT NULL
 AND (OLD.completed_at IS NULL OR (OLD.district_code, OLD.age_band, OLD.gender)
                                  <> (NEW.district_code, NEW.age_band, NEW.gender))
BEGIN
    INSERT INTO answer_counts (question_id, district_code, age_band, gender, value, n)
    SELECT a.question_id, NEW.district_code, NEW.age_band, NEW.gender, a.value, 1
    FROM answers a JOIN questions q ON q.id = a.question_id
    WHERE a.invitation_id = NEW.id AND q.kind <> 'free_text'
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO answer_respondents (question_id, district_code, age_band, gender, base, dont_know)
    SELECT a.question_id, NEW.district_code, NEW.age_band, NEW.gender,
           MAX(a.value <> 'dont_know'), MAX(a.value = 'dont_know')
    FROM answers a JOIN questions q ON q.id = a.question_id
    WHERE a.invitation_id = NEW.id AND q.kind = 'multiple_choice'
    GROUP BY a.question_id
    ON CONFLICT DO UPDATE SET base = base + excluded.base, dont_know = dont_know + excluded.dont_know;
END;

-- A completion undone (or the cell of a completed invitation changed): its answers leave the old cell.
CREATE TRIGGER answer_counts_uncount AFTER UPDATE OF completed_at, district_code, age_band, gender ON invitations
WHEN OLD.completed_at IS NOT NULL
 AND (NEW.completed_at IS NULL OR (OLD.district_code, OLD.age_band, OLD.gender)
                                  <> (NEW.district_code, NEW.age_band, NEW.gender))
BEGIN
    UPDATE answer_counts SET n = n - 1
    WHERE (question_id, value) IN (SELECT question_id, value FROM answers WHERE invitation_id = OLD.id)
      AND (district_code, age_band, gender) = (OLD.district_code, OLD.age_band, OLD.gender);
    UPDATE answer_respondents
    SET base = base - EXISTS (SELECT 1 FROM answers a WHERE a.invitation_id = OLD.id
                              AND a.question_id = answer_respondents.question_id AND a.value <> 'dont_know'),
        dont_know = dont_know - EXISTS (SELECT 1 FROM answers a WHERE a.invitation_id = OLD.id
                              AND a.question_id = answer_respondents.question_id AND a.value = 'dont_know')
    WHERE question_id IN (SELECT question_id FROM answers WHERE invitation_id = OLD.id)
      AND (district_code, age_band, gender) = (OLD.district_code, OLD.age_band, OLD.gender);
END;

-- The answers already given.
INSERT INTO answer_counts (question_id, district_code, age_band, gender, value, n)
SELECT a.question_id, i.district_code, i.age_band, i.gender, a.value, COUNT(*)
FROM invitations i JOIN answers a ON a.invitation_id = i.id JOIN questions q ON q.id = a.question_id
WHERE i.completed_at IS NOT NULL AND q.kind <> 'free_text'
GROUP BY a.question_id, i.district_code, i.age_band, i.gender, a.value;

INSERT INTO answer_respondents (question_id, district_code, age_band, gender, base, dont_know)
SELECT question_id, district_code, age_band, gender, SUM(ticked), SUM(dont_know)
FROM (
    SELECT a.question_id, i.district_code, i.age_band, i.gender,
           MAX(a.value <> 'dont_know') AS ticked, MAX(a.value = 'dont_know') AS dont_know
    FROM invitations i JOIN answers a ON a.invitation_id = i.id JOIN questions q ON q.id = a.question_id
    WHERE i.completed_at IS NOT NULL AND q.kind = 'multiple_choice'
    GROUP BY a.invitation_id, a.question_id
)
GROUP BY question_id, district_code, age_band, gender;

-- How far each invitation got, counted per survey and cell: the funnel and the respondents per cell (the
-- weighting's input) are summed from a few hundred rows instead of read from 100,000 invitations. A later
-- step implies the earlier ones (an SMS answer never "opens" the page; a delivery receipt may be lost).
ALTER TABLE invitations ADD COLUMN funnel_step INTEGER GENERATED ALWAYS AS (
    CASE WHEN completed_at IS NOT NULL THEN 4
         WHEN opened_at IS NOT NULL OR started_at IS NOT NULL THEN 3
         WHEN delivered_at IS NOT NULL THEN 2
         WHEN sent_at IS NOT NULL THEN 1
         ELSE 0 END
) VIRTUAL;

CREATE TABLE invitation_counts (
    survey_id     INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    district_code TEXT NOT NULL,
    age_band      TEXT NOT NULL,
    gender        TEXT NOT NULL,
    step          INTEGER NOT NULL,  -- funnel_step: 0 queued, 1 sent, 2 delivered, 3 opened, 4 completed
    state         TEXT NOT NULL,     -- the invitation's state, for the failed and opted-out counts
    n             INTEGER NOT NULL,
    PRIMARY KEY (survey_id, district_code, age_band, gender, step, state)
) WITHOUT ROWID;

CREATE TRIGGER invitation_counts_insert AFTER INSERT ON invitations
BEGIN
    INSERT INTO invitation_counts (survey_id, district_code, age_band, gender, step, state, n)
    VALUES (NEW.survey_id, NEW.district_code, NEW.age_band, NEW.gender, NEW.funnel_step, NEW.state, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER invitation_counts_delete AFTER DELETE ON invitations
BEGIN
    UPDATE invitation_counts SET n = n - 1
    WHERE (survey_id, district_code, age_band, gender, step, state)
        = (OLD.survey_id, OLD.district_code, OLD.age_band, OLD.gender, OLD.funnel_step, OLD.state);
END;

CREATE TRIGGER invitation_counts_update
AFTER UPDATE OF state, sent_at, delivered_at, opened_at, started_at, completed_at, district_code, age_band, gender
ON invitations
WHEN (OLD.district_code, OLD.age_band, OLD.gender, OLD.funnel_step, OLD.state)
  <> (NEW.district_code, NEW.age_band, NEW.gender, NEW.funnel_step, NEW.state)
BEGIN
    UPDATE invitation_counts SET n = n - 1
    WHERE (survey_id, district_code, age_band, gender, step, state)
        = (OLD.survey_id, OLD.district_code, OLD.age_band, OLD.gender, OLD.funnel_step, OLD.state);
    INSERT INTO invitation_counts (survey_id, district_code, age_band, gender, step, state, n)
    VALUES (NEW.survey_id, NEW.district_code, NEW.age_band, NEW.gender, NEW.funnel_step, NEW.state, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

INSERT INTO invitation_counts (survey_id, district_code, age_band, gender, step, state, n)
SELECT survey_id, district_code, age_band, gender, funnel_step, state, COUNT(*)
FROM invitations GROUP BY survey_id, district_code, age_band, gender, funnel_step, state;

-- Minutes from the invitation's SMS going out (or its creation, when sending is not yet recorded) to the
-- completed answer, in an index: the response curve counts ranges of it and the median is one step into it.
ALTER TABLE invitations ADD COLUMN answer_minutes REAL GENERATED ALWAYS AS (
    (julianday(completed_at) - julianday(COALESCE(sent_at, created_at))) * 1440
) VIRTUAL;
CREATE INDEX invitations_answer_minutes ON invitations (survey_id, answer_minutes) WHERE completed_at IS NOT NULL;
