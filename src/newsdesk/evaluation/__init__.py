"""Quality measurements of newsdesk stages against labelled corpora."""
