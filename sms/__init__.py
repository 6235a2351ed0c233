"""Talking to phones: the outbox and its paced dispatcher, the Twilio and console backends, the signed
webhooks, keywords and segment counting.

Where things are:
- `outbox.enqueue` / `outbox.cancel_queued`: how any package sends (inside its own transaction);
- `hooks`: how packages hear about inbound SMS, keywords and delivery states (`app[SMS_HOOKS]`);
- `dispatcher`: the background sender (rate cap, quiet hours, retries, reconciliation after a crash);
- `backends`: console and Twilio behind one small interface; `policy`: which errors are retried;
- `webhooks`: `/webhooks/twilio/status` and `/webhooks/twilio/sms`; `inbound`: routing of inbound SMS;
- `segments` (pure) and `compose` + `templates/sms/_segment_counter.html`: segments and cost for staff;
- `views`: the staff outbox page; `store`: all SQL; `web.setup`: the entry point for `panel.app`.
"""
