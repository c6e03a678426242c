"""newsdesk: self-hosted analysis of messy news articles.

Clean scraped articles, find who said what, group articles into stories and
show where sources agree, contradict each other or update a figure.
"""

__version__ = "0.1.0"
