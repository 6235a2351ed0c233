"""Surveys: building, sending by SMS with personal links, answering on the web or by SMS reply, reminders, closing.

Results, weighting and publication live in the `surveys.results` sub-package. `surveys.web.setup` wires the
package into the application.
"""
