"""Inbound e-mail: parsing (`parse`), turning a mail into a case or a thread message (`receive`), and the
embedded SMTP receiver (`listener`) that mail forwarded from the municipality's mailbox arrives at."""
