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
PUBLISHER_NOTE_REASON = "publisher's note"
"""A note of the publisher about the text itself: translation, standards, licensing, disclaimer."""
READER_CALL = "call to the reader"
COMMENT_FORM = "comment form"
READER_COMMENT = "reader comment"
FOREIGN_TEMPLATE = "template in another language"
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
PAGE_WIDGET = "widget inside the article (gallery, player, related links)"
"""What the page's markup places in a gallery, player or link box inside the article's container."""
PAGE_HEAD = "stream of teasers before the article"
"""What the page's markup places before the article's container as a stream of other articles' teasers."""
PAGE_TAIL = "page section after the article"
"""What the page's markup places after the article's container: teaser lists, related links, app promotions."""
LEFT_OUT = "left out by the extractor: outside the article's main content"
"""A text block of the page the HTML extractor did not take into the article (menus, footers, sidebars)."""
KEPT_EXTRACTED = "nothing removed: cleaning would leave too little of the page"
"""Not a removal: the note kept when the extractor's text is kept whole (its text says how much was at stake)."""

_I = re.IGNORECASE

# A line that opens a list of links to other articles; headline-like lines after it are links too.
RELATED_HEADER = re.compile(
    r"^\W*(see also|read also|also read|(to )?read (also|more|next)|more from( [\w'’-]+){0,3}|"
    r"related( news| articles?| posts?| stories| content| coverage| topics| reading| links)?|"
    r"you (may|might|could) also (like|enjoy|be interested in)|recommended( for you| stories| reading| by)?|"
    r"more (news|stories|on this|on this story|on this topic)|trending( now| stories| news)?|"
    r"most (read|popular|viewed|shared|commented)|latest (news|posts|stories)|popular (now|posts|stories)|"
    r"top stories|don'?t miss|further reading|watch( also| more)?|also watch|what to read next|up next|"
    r"editor'?s picks|you might have missed|in other news|similar (news|articles|posts|stories)|other news|"
    r"more news|(news|more|read) on (the|this) (topic|subject))\W*$",
    _I,
)
# A related link carried inline: "See also: <headline>", "READ MORE - <headline>", "WATCH | <video title>".
# Phrases that only ever introduce a link need no separator; single words ("Related", "Watch") need one.
RELATED_PREFIX = re.compile(
    r"^\W*((see also|read also|also read|(to |must )?read (also|too)|read more|must read|also see|"
    r"you (may|might) (also )?like)\b\s*[:\-–—|»>]*|"
    r"(related|recommended|more|watch|also watch|listen|video|trending|most read|don'?t miss|read next|"
    r"top stories|breaking|also (on|in|at) [\w .'’-]{1,40}|(read |more )?(on|about) (the|this) (topic|subject)|"
    # The same labels left untranslated by sites that machine-translate only the article.
    r"voir aussi|(à )?lire aussi|ver también|lee también|leer más|siehe auch|lesen sie auch|leggi anche|"
    r"leia também|veja também|czytaj (też|także)|citește și|vezi și|pročitajte (i|još)|читайте также|"
    r"δείτε επίσης|διαβάστε επίσης|ilgili haber(ler)?|bunu da okuyun)"
    r"\s*[:|»>–—▸►-]+)\s*\S",
    _I,
)
SOURCE_LINK = re.compile(r"^\W*(source( link)?|original (article|source)|via)\W*$", _I)
# Feed and syndication footers: "The post <title> appeared first on <site>.", "Originally published at ...".
FEED_FOOTER = re.compile(
    r"^\W*(the post .{3,250} appeared first on\b|(this (article|story|post) )?(was )?originally (published|appeared) "
    r"(on|at|in|by)\b|read the (full|original|rest of the) (article|story|post)( (here|at|on)\b|\W*$))",
    _I,
)

NAVIGATION_LINE = re.compile(
    r"^\W*(back to top( button)?|skip to (main )?content|go to top|scroll to top|translate|menu|home|search|"
    r"next (article|post|story)|previous (article|post|story)|prev(ious)?|next|load more|show more|"
    r"continue reading|click here|print( this)?( article| page| story)?|close|toggle navigation|main menu|"
    r"sections?|sign in|log ?in|register|my account|advertise with us|about us|contact us|privacy policy|"
    r"terms (of use|and conditions|of service)|(story|article|text) continues below( this)?( advertisement| ad)?|"
    r"continue reading below|scroll (down )?to continue( reading)?|font size|text size|"
    r"listen to this (article|story)\b.*|(reading time\W*)?\d+\s*(min(ute)?s?)( read)?)\W*$",
    _I,
)
# A menu: three or more short items between separators ("Home · Politics · Courts · Video").
MENU_LINE = re.compile(r"^\W*[^\W\d][\w'’&-]*( [\w'’&-]+)?(\s+[·•|/]\s+[^\W\d][\w'’&-]*( [\w'’&-]+)?){2,}\W*$")
BREADCRUMB = re.compile(r"^[^.!?]{1,80}(\s[»›>/|]\s[^.!?]{1,40}){1,}$")

_NETWORKS = (
    r"(facebook|twitter|x|whatsapp|telegram|linkedin|pinterest|reddit|instagram|tiktok|youtube|threads|bluesky|"
    r"google news|email)"
)
SHARE_LINE = re.compile(
    r"(^\W*(share( this( article| story| post)?)?|tweet|pin it|email|print|copy link|follow us( on)?)\W*:?\W*$)|"
    r"(\b(share (on|via|this)|follow us on|join (us|our channel) on)\b)|"
    rf"({_NETWORKS}\s*[|·•,/]\s*{_NETWORKS}\b)|"
    rf"(\bfollow\b.{{0,40}}\bon {_NETWORKS}\b)|"
    r"(\bshare (it|this|the (article|story|post))\b.{0,30}\b(friends|family|network|others)\b)|"
    r"(\bdid you (like|enjoy|find) this (article|story|post|piece)\b)|"
    r"(\b(whatsapp|telegram|signal) (channel|group)\b)",
    _I,
)
# Embedded social posts: the link of an attached picture, the attribution line of an embedded post
# ("— Name (@handle) May 3, 2026", "Posted by Name on Monday, May 4, 2026").
EMBED_ATTRIBUTION = re.compile(
    r"(^|\s)[—–-]\s*[^()]{1,60}\(@\w{1,30}\)\s*\w{3,9}\.? \d{1,2},? \d{4}\W*$|"
    r"^\W*posted by .{1,80} on (\w+day,? )?\w{3,9}\.? \d{1,2},? \d{4}\W*$",
    _I,
)
SOCIAL_EMBED = re.compile(
    r"\bpic\.twitter\.com/\w+|\binstagram\.com/(p|reel)/|\bview this post on (instagram|facebook|tiktok)\b|"
    r"\ba post shared by\b",
    _I,
)
NOTICE_LINE = re.compile(
    r"\b(ad ?blockers?|adblock|whitelist|allowlist|unblock|disable your ad|newsletters?|subscribe|"
    r"subscription|sign up (here|now|today)|support our journalism|become a (member|subscriber)|"
    r"turn off your ad|notifications?|push alerts?|javascript (is )?(disabled|required)|in your inbox|"
    r"do you have a (story|tip|news tip)|send us (a |your )?(tip|story|news|photos?|videos?)|"
    r"got a (news )?tip|(email|write to|contact) us at)\b|"
    r"^\W*([\w'’]+\W+){0,2}sign up\b|"
    # Cookies are a notice only with the words of a consent banner (not "they are also serving cookies").
    r"\bcookies?\b.*\b(use|uses|using|accept|consent|polic(y|ies)|settings|site|website|browser|browsing|"
    r"experience|personali[sz]e|partners)\b|"
    r"\b(use|uses|using|accept|consent|polic(y|ies)|settings|site|website|browser|browsing|experience|"
    r"personali[sz]e|partners)\b.*\bcookies?\b|"
    # Consent banners that never say "cookie": "We process personal data ... By clicking «Agree» you consent".
    r"\bby clicking\b.{0,60}\b(agree|accept|allow|consent)|"
    r"\b(we and (our )?(\d+ )?partners|tracking technologies|manage (options|preferences)|i consent)\b|"
    r"\b(process|processing|collect|store)\b.{0,40}\bpersonal data\b.{0,120}\b(consent|agree|accept|purposes)\b",
    _I,
)
# Notes of the publisher about the text itself: standards, licensing, feeds, translation, disclaimers.
PUBLISHER_NOTE = re.compile(
    r"(\b(editorial (standards|guidelines|policy|principles)|trust principles|our standards|licensing rights|"
    r"reprints? (and|&) permissions|republish(ing)? (this|rights)|corrections? policy|"
    r"report an? (error|correction|typo)|syndicated (feed|content)|(agency|wire) feeds?|"
    r"without modifications to the text|auto-?generated from|(ctrl|cmd)\s*\+\s*enter|"
    r"(find|found|notice|spot|spotted) (an? )?(error|mistake|typo|inaccuracy))\b|"
    r"^\W*disclaimer\s*:|"
    r"\b(article|story|text|report|this|piece)\b.{0,40}\b(automatically |machine[- ])?translated (from|by|with)\b|"
    r"^\W*(automatically |machine[- ])?translated (from|by)\b)",
    _I,
)
# The head of a reader's comment: a handle ("kara_elmas_58", "Derya K.") and the time it was posted.
COMMENT_ENTRY = re.compile(
    r"^\W*(@?[\w.-]*[_\d][\w.-]*|[A-Z][\w'’-]+ [A-Z]\.)\s*[·•|—–-]\s*"
    r"(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"([\s,]*(\w{1,5}\s+)?\d{1,2}[:.h]\d{2})?\W*$",  # "at 21:14", "à 11h47", "la 10:41", "às 19:02"
    _I,
)
COMMENT_LINE = re.compile(
    r"\b(leave a (reply|comment)|post (a )?comment|add (a )?comment|cancel reply|"
    r"your e-?mail( address)? will (not|never) be (published|shared|displayed)|fields marked|"
    r"required fields are marked|comments? (are|is|will be|may be) (closed|moderated|pre-?moderated|reviewed|"
    r"open|disabled)|be the first to comment|notify me of|save my name|join the (discussion|conversation)|"
    r"log in to (comment|react|reply)|comment policy|reply to this|(show|view|hide|read) (all )?comments|"
    r"comments? \(\d+\)|reactions? \(\d+\)|click on a star to rate|rate this (article|post|story)|"
    r"how useful was this|(registered|logged[- ]in|signed[- ]in) (users|members|readers) can|"
    r"let us know (in|what you think)|in the comments( below| section)?|comments? below)\b|"
    r"\bcomments?\s*\(\d+\)|"
    r"^\W*\d+\s+(comments?|responses?|replies|yorum|σχόλια|commentaires?|comentarios?|kommentare?|"
    r"komentarz[ey]?|комментари\w*)\W*$|^\W*(réagissez|réagir|deja (un|tu) comentario|kommentieren)\b",
    _I,
)
PHOTO_LINE = re.compile(
    r"(^\W*(photo|image|picture|pictured|credit|file photo|illustration|video|caption)s?( credits?)?\s*[:/(]|"
    r"\b(getty images|afp photo|ap photo|shutterstock|epa-efe|photo credit)\b|\breuters\s*/[^/]{1,40}$|"
    r"^\(?(photo|image)( by)?\b.*\)?$|"
    # A caption ending with its credit: "... on Monday. Photo: Agency", "... (Name / Outlet)", "(file photo)".
    r"\b(photo|image|picture|credit)s?\s*:\s*[^.!?:]{1,50}$|"
    r"\([^()]{0,40}\b(photo|image|picture|file|archive|handout|courtesy)\b[^()]{0,40}\)\s*$|"
    r"\((\s*[A-Z][\w.'’-]+){1,4}\s*/\s*[A-Z][^()/]{1,40}\)\s*$)",
    _I,
)
TAGS_LINE = re.compile(r"^\W*(tags?|topics?|filed under|categories|category|keywords)\s*:", _I)
COPYRIGHT_LINE = re.compile(
    r"(©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b|\breproduction (is )?(prohibited|forbidden)\b|"
    # Reuse terms: "Any use of the materials is allowed only with a hyperlink to ...".
    r"\b(use|reproduction|copying|republication|reprinting) of (the |our |any )?(materials?|content|articles?|texts?)\b"
    r".{0,40}\b(only|allowed|permitted|prohibited|forbidden)\b|"
    # The same terms left untranslated: "Copie autorisée uniquement avec lien", "Reproducción prohibida".
    r"\b(reproduction|copie|copia|reproducci[oó]n|reprodu[çc][ãa]o|riproduzione|nachdruck|vervielf[äa]ltigung)\b"
    r".{0,40}\b(interdite|autoris[ée]e|prohibida|permitida|proibida|vietata|consentita|untersagt|gestattet)\b)",
    _I,
)
AD_PREFIX = re.compile(
    r"^\W*(sponsored|promoted|advertisement|advertorial|paid (content|post|partnership)|partner content|ad)"
    r"\s*[:|–—-]\s*\S",
    _I,
)
# With the placeholders of the languages content farms translate from ("PUBLICIDAD", "Werbung", "Реклама").
AD_WORDS = re.compile(
    r"\b(advert\w*|ads?|sponsored|promo\w*|commercial|banner|partner content|publicidad|publicité|pubblicità|"
    r"publicidade|werbung|anzeige|reklam[ae]?|реклама|anuncio|διαφήμιση|sponsorlu|publicitate|reclam[ăa]|iklan|"
    r"sponsorowany|patrocinado)\b",
    _I,
)
BYLINE_LINE = re.compile(
    r"^\W*(?i:by|written by|author:?|reporting by|words by|text by|story by|reported by|posted by|"
    r"reporter|correspondent)\s*:?\s+"
    r"(?P<name>[A-Z][\w'’.-]+(\s+(?!(?i:posted|published|updated)\b)(de|van|von|da|al|el|bin|[A-Z][\w'’.-]+)){0,3})"
    r"(\s*(,|;|and|&|\||-|–|·)\s*.*|\s+(?i:posted|published|updated|on)\b.*)?$",
)
# Contributor credits of wire copy and desks: "(Reporting by X; Editing by Y)", "With inputs from agencies".
CREDIT_LINE = re.compile(
    r"(^\W*(additional )?(reporting|writing|editing|compiled|edited|produced|research|graphics) by\b[^.!?]*\)?\W*$|"
    r"^\W*(the )?(editorial (staff|team|board|desk)|newsroom|news desk|web desk|online desk)"
    r"( with [\w ]{1,25})?\W*$|"
    r"^\W*\(?\s*with (inputs from |input from )?(agency|agencies|wire services|[\w-]+ inputs?)\b[^.!?]{0,30}\)?\W*$)",
    _I,
)
ABOUT_AUTHOR = re.compile(r"^\W*(about the author|author bio|about me|the author)\W*$", _I)
# The same label heading the bio on its own line: "About the author: Jane is a writer ...".
ABOUT_AUTHOR_LABEL = re.compile(r"^\W*(about the author|author bio|about me)\s*[:–—-]\s*\S", _I)

# Frames such as "/ embed code /", "[ad]", "<!-- widget -->", "*** sponsored ***", "{{ block }}".
MARKER_FRAME = re.compile(r"^\s*([/\\\[\]{}<>*=#~|_+-]{1,4}|<!--)\s*.{0,60}?\s*([/\\\[\]{}<>*=#~|_+-]{1,4}|-->)\s*$")

# "<Name> is/writes/covers ...": how text about a person (a journalist's bio) starts.
BIO_START = re.compile(
    r"^(?P<name>[A-Z][\w'’.-]+(\s+[A-Z][\w'’.-]+){1,3})\s+(is|was|has been|writes|covers|reports|joined|works|"
    r"has worked|has reported|lives)\b"
)
# What makes text about a person a journalist's bio: the role right after the name, the beat, a contact.
BIO_ROLE = re.compile(
    r"^\S+(\s+\S+){1,3}\s+(is|was|has been)\s+(a|an|the|\S+['’]s)\s+([\w-]+\s+){0,4}"
    r"(reporter|correspondent|journalist|editor|writer|columnist|contributor|freelancer|producer|blogger)\b|"
    r"^\S+(\s+\S+){1,3}\s+(covers|writes (about|for|on)|reports (on|for))\b|"
    r"\b(reach|contact|email|follow) (him|her|them|me) (at|on|via)\b|\S+@\S+\.\w+",
    _I,
)
# A call to the reader: an imperative opening or "you".
READER_ADDRESS = re.compile(
    r"^\W*(click|tap|subscribe|sign up|join|follow|share|download|register|log in|get|don'?t|do not|please|"
    r"support|like us|tell us|send us|contact us|visit|check out|stay tuned|never miss)\b|\b(you|your)\b",
    _I,
)
# Reported speech: news prose says who said it; template text does not.
REPORTING = re.compile(
    r"\b(said|says|told|tells|according to|announced|added|stated|declared|explained|insisted|warned|affirmed)\b",
    _I,
)

MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|"
    r"nov(ember)?|dec(ember)?)"
)
DATE_LINE_RE = re.compile(
    # A section or outlet label may come first: "World News | Monday, 4 November 2024", "Outlet — May 8th, 2025".
    r"^\W*([^\W\d_][\w&'’. -]{1,40}?\s*[|·•—–:]\s*)?"
    r"((published|updated|posted|last updated|first published|date|modified)\s*(on|at)?\s*:?\s*)?"
    r"(\d{1,2}[:.]\d{2}\s*[,|·–-]?\s*)?"
    r"((mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?,?\s*)?"
    rf"(\d{{1,2}}(st|nd|rd|th)?\s+{MONTHS}\.?,?\s+\d{{4}}|{MONTHS}\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})"
    # A time, also ISO 8601 with seconds and offset ("2025-05-06T21:47:00+03:00").
    r"([,\s]*(at\s*|T)?\d{1,2}[:.h]\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?(\s*(a\.?m\.?|p\.?m\.?|[A-Z]{2,5})){0,2})?"
    # More after the date only behind a separator ("· 3 min read", "| Updated ...", "by Name"): a line
    # that goes on with words ("Oct. 31, 2012 The Obama hug") is a timeline entry, not a date line.
    r"(\s*([|·•,–—(/-]|\bby\b|\b(updated|modified)\b).*)?\W*$",
    _I,
)
# A date with its month in another language ("niedziela, 21 września 2025 · 23:05", "Kamis, 14 Agustus 2025"):
# template the site did not translate. A whole line of it, behind an optional label, is a date line.
FOREIGN_DATE = re.compile(
    r"(?P<date>(?:[^\W\d_]+,?\s+)?\d{1,2}\.?\s+[^\W\d_]{3,}\.?,?\s+(?:19|20)\d{2}"
    r"(?:[\s,·|]+(?:\w{1,3}\s+)?\d{1,2}[:.h]\d{2})?)"
)
FOREIGN_DATE_LINE = re.compile(
    r"^\W*([^\W\d_][\w'’. -]{0,30}?\s*[:|·•—–]\s*)?" + FOREIGN_DATE.pattern + r"(\s*([|·•,–—(/-]|[A-Z]{2,4}\b).*)?\W*$"
)

# "KABUL, Sept 5 (Agency) -" at the start of a first paragraph.
DATELINE_RE = re.compile(
    # Letters of any script: "KIZILYAMAÇ, February 17 (YHA) –" (the caller checks they are capitals).
    rf"^(?P<place>[^\W\d_](?:[^\W\d_]|[.'’ -]){{2,40}}"
    rf"(,\s*(?!{MONTHS}\.?\s+\d)[^\W\d_](?:[^\W\d_]|[.'’ -]){{1,30}})?),?\s+"
    rf"(?P<date>{MONTHS}\.?\s+\d{{1,2}}"
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
