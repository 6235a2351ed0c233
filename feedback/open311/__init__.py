"""The Open311 GeoReport v2 server at /open311/v2/: third-party apps list services and report issues.

`formats` writes the spec's XML and JSON, `queries` holds its SQL, `routes` the six methods plus discovery,
and `key_routes` the admins' page for API keys.
"""
