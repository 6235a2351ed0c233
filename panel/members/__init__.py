"""The panel member registry: sign-up with consent, import, opt-out, targets for surveys, data-subject rights.

`web.setup(app)` adds the pages and registers the STOP/START/HELP keywords and delivery-status listener
with `sms`; `targeting` and `hooks` are what the surveys package builds on.
"""
