-- Retention of the SMS logs (sms/retention.py): numbers and texts are blanked once a message is old enough.
-- These partial indexes hold only the rows retention may still have to redact (a number left, and for the
-- outbox nothing waiting or in flight to the provider: a message the provider accepted but never reported on
-- again counts as finished once it has been quiet for the whole period), oldest first, so a run reads just the rows it redacts: never the
-- redacted history, the recent messages or a message stuck in the queue. The queries that use them repeat
-- these WHERE terms word for word, which is how SQLite knows an index of part of a table applies.
CREATE INDEX sms_messages_unredacted ON sms_messages (created_at)
    WHERE recipient > '' AND (state NOT IN ('queued', 'sending') OR provider_sid IS NOT NULL);
CREATE INDEX sms_inbound_unredacted ON sms_inbound (received_at) WHERE from_number > '';
