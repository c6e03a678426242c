"""Surface patterns of web-template text, grouped by the reason reported to users.

These describe *kinds* of boilerplate that publishing platforms emit (comment
forms, share bars, cookie notices ...), in generic wording. They are one signal
among several in :mod:`newsdesk.clean.text`; shape, position, topical fit and
repetition across an outlet's articles catch what no list names.
"""

from __future__ import annotations

import re

# Reasons, as shown to users and stored with each removed piece of text.
TEMPLATE_MARKER = "template marker"
ADVERTISEMENT = "advertisement placeholder"
NAVIGATION = "navigation"
SHARE = "share/social"
NOTICE = "cookie/adblock/newsletter notice"
COMMENT_FORM = "comment form"
BYLINE = "author byline"
AUTHOR_BIO = "author bio"
RELATED = "related/see-also link"
OFF_TOPIC = "off-topic insert"
PHOTO_CREDIT = "photo credit"
TAGS = "tags"
COPYRIGHT = "copyright"
DATE_LINE = "date line"
DATELINE = "dateline"
REPEATED = "repeated template line"
SITE_NAME = "site name in title"

_I = re.IGNORECASE

# A line that opens a list of links to other articles; headline-like lines after it are links too.
RELATED_HEADER = re.compile(
    r"^\W*(see also|read also|also read|read more|more from|related( news| articles?| posts?| stories| content|"
    r" coverage)?|you (may|might) also (like|be interested in)|recommended( for you| stories| reading)?|"
    r"more (news|stories|on this)|trending( now)?|most (read|popular)|latest (news|posts|stories)|"
    r"top stories|don'?t miss|further reading|watch( also)?|what to read next)\W*$",
    _I,
)
# A related link carried inline: "See also: <headline>", "READ MORE - <headline>".
RELATED_PREFIX = re.compile(
    r"^\W*(see also|read also|also read|read more|related|recommended|you (may|might) also like|must read|"
    r"also see|more:|watch:|listen:)\b\s*[:\-–—|»>]*\s*\S",
    _I,
)
SOURCE_LINK = re.compile(r"^\W*(source( link)?|original (article|source)|via)\W*$", _I)

NAVIGATION_LINE = re.compile(
    r"^\W*(back to top( button)?|skip to (main )?content|go to top|scroll to top|translate|menu|home|search|"
    r"next (article|post|story)|previous (article|post|story)|prev(ious)?|next|load more|show more|"
    r"continue reading|click here|print( this)?( article| page)?|close|toggle navigation|main menu|sections?|"
    r"sign in|log ?in|register|my account|advertise with us|about us|contact us|privacy policy|"
    r"terms (of use|and conditions|of service))\W*$",
    _I,
)
BREADCRUMB = re.compile(r"^[^.!?]{1,80}(\s[»›>/|]\s[^.!?]{1,40}){1,}$")

SHARE_LINE = re.compile(
    r"(^\W*(share( this( article| story| post)?)?|tweet|pin it|email|print|copy link|follow us( on)?)\W*:?\W*$)|"
    r"(\b(share (on|via|this)|follow us on|join (us|our channel) on)\b)|"
    r"((facebook|twitter|whatsapp|telegram|linkedin|pinterest|reddit|email|x)\s*[|·•,/]\s*"
    r"(facebook|twitter|whatsapp|telegram|linkedin|pinterest|reddit|email|x)\b)",
    _I,
)
NOTICE_LINE = re.compile(
    r"\b(cookies?|ad ?blockers?|adblock|whitelist|allowlist|unblock|disable your ad|newsletter|subscribe|"
    r"subscription|sign up (for|to)|support our journalism|become a (member|subscriber)|"
    r"turn off your ad|notifications?|push alerts?|javascript (is )?(disabled|required))\b",
    _I,
)
COMMENT_LINE = re.compile(
    r"\b(leave a (reply|comment)|post (a )?comment|add (a )?comment|cancel reply|"
    r"your e-?mail( address)? will (not|never) be (published|shared|displayed)|fields marked|"
    r"required fields are marked|comments? (are|is) closed|\d+ comments?|be the first to comment|"
    r"notify me of|save my name|join the discussion|log in to comment|comment policy|reply to this)\b",
    _I,
)
PHOTO_LINE = re.compile(
    r"(^\W*(photo|image|picture|pictured|credit|file photo|illustration|video|caption)\s*[:/(]|"
    r"\b(getty images|afp photo|reuters/|ap photo|shutterstock|epa-efe|photo credit)\b|"
    r"^\(?(photo|image)( by)?\b.*\)?$)",
    _I,
)
TAGS_LINE = re.compile(r"^\W*(tags?|topics?|filed under|categories|category|keywords)\s*:", _I)
COPYRIGHT_LINE = re.compile(
    r"(©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b|\breproduction (is )?(prohibited|forbidden)\b)",
    _I,
)
AD_WORDS = re.compile(r"\b(advert\w*|ads?|sponsored|promo\w*|commercial|banner|partner content)\b", _I)
BYLINE_LINE = re.compile(
    r"^\W*(?i:by|written by|author:?|reporting by|words by|text by)\s+"
    r"(?P<name>[A-Z][\w'’.-]+(\s+(de|van|von|da|al|el|bin|[A-Z][\w'’.-]+)){0,3})"
    r"(\s*(,|and|&|\||-|–)\s*.*)?$",
)
ABOUT_AUTHOR = re.compile(r"^\W*(about the author|author bio|about me|the author)\W*$", _I)

# Frames such as "/ embed code /", "[ad]", "<!-- widget -->", "*** sponsored ***", "{{ block }}".
MARKER_FRAME = re.compile(r"^\s*([/\\\[\]{}<>*=#~|_+-]{1,4}|<!--)\s*.{0,60}?\s*([/\\\[\]{}<>*=#~|_+-]{1,4}|-->)\s*$")

MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|"
    r"nov(ember)?|dec(ember)?)"
)
DATE_LINE_RE = re.compile(
    r"^\W*((published|updated|posted|last updated|first published|date|modified)\s*(on|at)?\s*:?\s*)?"
    r"((mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?,?\s*)?"
    rf"(\d{{1,2}}(st|nd|rd|th)?\s+{MONTHS}\.?,?\s+\d{{4}}|{MONTHS}\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
    r"([,\s]*(at\s*)?\d{1,2}[:.h]\d{2}(\s*(am|pm|[A-Z]{2,4}|gmt|utc))?)?"
    r"(\s*[|,-]?\s*(updated|modified)?.*)?$",
    _I,
)
# "KABUL, Sept 5 (Agency) -" at the start of a first paragraph.
DATELINE_RE = re.compile(
    rf"^(?P<place>[A-Z][A-Z.'’ -]{{2,40}}(,\s*[A-Z][\w.'’ -]{{1,30}})?),?\s+(?P<date>{MONTHS}\.?\s+\d{{1,2}}"
    rf"(,\s*\d{{4}})?|\d{{1,2}}\s+{MONTHS}(\s+\d{{4}})?)?\s*(\((?P<agency>[^)]{{1,40}})\))?\s*[-–—:]+\s+",
    _I,
)

# Words that carry no topic: ignored when measuring a line's fit with its article.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "said",
        "says",
        "say",
        "new",
        "one",
        "two",
        "three",
        "first",
        "last",
        "year",
        "years",
        "day",
        "days",
        "week",
        "time",
        "people",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "many",
        "much",
        "well",
        "still",
        "even",
        "like",
        "get",
        "got",
        "make",
        "made",
        "see",
        "seen",
    ]
)
