"""Feedback statistics: volumes, backlog, response times and deadlines, for staff, committees and the public."""
