"""Synpunktshantering: feedback from every channel into one case model, handled to the end.

Intake: `intake` (the one way a case is created), `public_routes` (/feedback), `staff_entry`, `sms_intake`,
`mail` (inbound e-mail) and `open311` (the GeoReport v2 API). Handling: inbox, case page, decisions,
deadlines (`workdays`), replies (`outbound`) and the resident's tracking page.
"""
