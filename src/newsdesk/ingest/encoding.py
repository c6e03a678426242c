"""Turn the bytes of one input into text, or say why they are not text.

News files come in every encoding the web ever used. :func:`decode_bytes` tries,
in order:

1. a byte-order mark (UTF-8, UTF-16, UTF-32), which is authoritative;
2. binary detection: known magic numbers (PDF, ZIP, PNG...), NUL bytes or a
   high share of control bytes mean the input is not text at all;
3. strict UTF-8, the common case;
4. the charset an HTML/XML page declares (``<meta charset>``, ``<?xml encoding>``),
   with ``iso-8859-1``/``ascii`` read as ``cp1252`` as browsers do;
5. "mostly UTF-8": valid UTF-8 with a few stray bytes (files glued together
   from several sources) is decoded as UTF-8, stray bytes replaced;
6. damaged UTF-8: several valid multi-byte sequences beside more invalid
   bytes than step 5 accepts are reported, not decoded with some code page;
7. charset-normalizer, preferring ``cp1252`` when it decodes the bytes as well
   as the top guess (charset-normalizer often ranks ``cp775``/``cp1250`` first
   for short Western European text, which garbles quotes and accents), unless
   another of its codecs puts fewer symbols inside words (it ranks ``cp1252``
   first for Polish in ``cp1250``, read "Rz¹d og³osi³"). Text
   that is nearly all ASCII is read as ``cp1252`` rather than a DOS code page,
   and reported, not decoded, when only a DOS code page reads it, or when one
   byte value above ASCII is more frequent than any accented letter
   of a language, or when its other bytes take most of the 128 values above
   ASCII (a language writes its dozen or two accented letters again and again;
   random damage spreads over all of them): its stray bytes are damage,
   invalid UTF-8, which a code page would turn into letters and spaces inside
   words.

Newlines are normalised to ``\\n`` and a leading BOM character is removed.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import charset_normalizer

from newsdesk.errors import InputError

logger = logging.getLogger(__name__)

UNDECODABLE = "undecodable text (not UTF-8 and no reliable encoding detected)"

# UTF-32-LE's BOM starts with UTF-16-LE's, so the longer marks come first.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# (prefix, offset, what it is). Only prefixes no news text starts with; other
# binary formats are caught by their NUL or control bytes.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "PDF"),
    (b"PK\x03\x04", 0, "ZIP archive"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", 0, "zstd archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "old Microsoft Office document"),
    (b"{\\rtf", 0, "RTF document"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"RIFF", 0, "RIFF media (WAV, AVI or WebP)"),
    (b"ftyp", 4, "MP4/QuickTime video"),
    (b"OggS\x00", 0, "Ogg media"),
    (b"\x00asm", 0, "WebAssembly module"),
)

# C0 control bytes that never occur in text (tab, LF, VT, FF, CR and ESC do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_CONTROL_SHARE = 0.05
_SNIFF_BYTES = 65_536

_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-z0-9_.:-]{1,40})""",
    re.IGNORECASE,
)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = frozenset({"ascii", "latin_1", "iso8859_1", "cp1252"})
# UTF-16 declared inside an ASCII-compatible document is a lie (WHATWG).
_IGNORED_DECLARATIONS = frozenset({"utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be", "utf_8"})

_UTF8_LEAD_BYTES = tuple(bytes([b]) for b in range(0xC2, 0xF5))
_MOSTLY_UTF8_RATIO = 10
"""Valid multi-byte sequences per invalid byte for "mostly UTF-8"."""

_DAMAGED_MIN_VALID = 3
_DAMAGED_RATIO = 20
"""Invalid bytes per valid multi-byte character up to which non-UTF-8 input is damaged UTF-8."""
_DAMAGED_SHARE = 0.25
"""Above this share of invalid bytes the input is another encoding (or noise) for the detector to judge."""

_CP1252_TIE = 0.01
"""How much more chaos than the top guess cp1252 may have and still win."""
_DOS_CODE_PAGES = frozenset(
    codecs.lookup(name).name
    for name in (
        "cp437", "cp720", "cp737", "cp775", "cp850", "cp852", "cp855", "cp856", "cp857", "cp858", "cp860", "cp861",
        "cp862", "cp863", "cp864", "cp865", "cp866", "cp869", "cp1125",
    )
)  # fmt: skip
"""The OEM code pages of DOS consoles: never the encoding of a web page."""
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CODECS_COMPARED = 4
"""How many of the detector's codecs that decode the bytes are compared for symbols inside words."""
_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f](?=[^\W\d_])")
_NOT_IN_WORDS = frozenset({"No", "So", "Sk", "Sm", "Sc", "Po", "Cc", "Co"})
"""Unicode categories that a letter of a word never is: superscripts, symbols, "¿", controls."""
_NEARLY_ASCII_SHARE = 0.2
"""Non-ASCII bytes up to this share make a text nearly all ASCII, for :func:`_damaged_ascii`."""
_DAMAGE_ONE_VALUE = 0.08
"""Share of the text above which one byte value above ASCII is damage (a language's commonest accented letter,
Turkish dotless i, is under 5% of its characters)."""
_DAMAGE_VALUES = 48
"""Distinct byte values above ASCII beyond which nearly-ASCII text is damaged, not a single-byte encoding."""


@dataclass(slots=True, frozen=True)
class DecodedText:
    """Text decoded from bytes and the codec that decoded it."""

    text: str
    encoding: str


def binary_reason(data: bytes) -> str | None:
    """Say why ``data`` is not text, or return ``None`` when it may be text.

    Args:
        data: The raw bytes (a BOM, if any, must already be removed or checked:
            UTF-16 text legitimately contains NUL bytes).

    Returns:
        ``"binary file (looks like PDF)"`` and the like for known formats,
        ``"binary file"`` for NUL bytes or many control bytes, else ``None``.
    """
    for magic, offset, kind in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return f"binary file (looks like {kind})"
    if b"\x00" in data:
        return "binary file"
    sample = data[:_SNIFF_BYTES]
    if sample:
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        if controls / len(sample) > _CONTROL_SHARE:
            return "binary file"
    return None


def declared_charset(data: bytes) -> str | None:
    """Return the Python codec an HTML/XML page declares near its start, if usable.

    ``iso-8859-1`` and ``ascii`` come back as ``cp1252``; UTF-16/32 and unknown
    labels come back as ``None``.
    """
    match = _DECLARED.search(data[:4096])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii")
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    if name in _AS_CP1252:
        return "cp1252"
    if name in _IGNORED_DECLARATIONS:
        return None
    return name


def normalise_newlines(text: str) -> str:
    """Return ``text`` with ``\\r\\n``/``\\r`` as ``\\n`` and no leading BOM."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, path: str, *, html: bool = False) -> DecodedText:
    """Decode the bytes of one input (see the module docstring for the order).

    Args:
        data: The raw bytes; must not be empty.
        path: Where the bytes come from, for the error.
        html: Whether the bytes are an HTML/XML page whose declared charset counts.

    Returns:
        The text with normalised newlines, and the codec used.

    Raises:
        InputError: The bytes are binary or no encoding decodes them reliably.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(normalise_newlines(data[len(bom) :].decode(codec)), codec)
            except UnicodeDecodeError:
                raise InputError(path, f"undecodable text (invalid {codec} after its byte-order mark)") from None

    reason = binary_reason(data)
    if reason is not None:
        raise InputError(path, reason)

    try:
        return DecodedText(normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass

    if html and (declared := declared_charset(data)) is not None:
        try:
            return DecodedText(normalise_newlines(data.decode(declared)), declared)
        except UnicodeDecodeError:
            logger.debug("%s: declared charset %s does not decode the page", path, declared)

    text = _mostly_utf8(data)
    if text is not None:
        logger.warning("%s: invalid UTF-8 bytes replaced", path)
        return DecodedText(normalise_newlines(text), "utf-8")

    damaged = _damaged_utf8(data)
    if damaged is not None:
        raise InputError(path, damaged)

    detected = _detect(data)
    if detected is None:
        raise InputError(path, UNDECODABLE)
    if codecs.lookup(detected.encoding).name in _DOS_CODE_PAGES and _nearly_ascii(data):
        # Nearly-ASCII text for the web is windows-1252 when that reads it (browsers read unlabelled pages so).
        with contextlib.suppress(UnicodeDecodeError):
            detected = DecodedText(data.decode("cp1252"), "cp1252")
    damage = _damaged_ascii(data, detected.encoding)
    if damage is not None:
        raise InputError(path, damage)
    return DecodedText(normalise_newlines(detected.text), detected.encoding)


def _nearly_ascii(data: bytes) -> bool:
    """Whether at most a fifth of the bytes are above ASCII."""
    return len(data) - len(data.translate(None, _HIGH_BYTES)) <= _NEARLY_ASCII_SHARE * len(data)


def _damaged_ascii(data: bytes, encoding: str) -> str | None:
    """Say why nearly-ASCII text is damaged rather than in ``encoding`` (step 7), or ``None``."""
    high = Counter({byte: n for byte, n in Counter(data).items() if byte > 0x7F})
    stray = high.total()
    if not stray or stray > _NEARLY_ASCII_SHARE * len(data):
        return None
    codec = codecs.lookup(encoding).name
    [(top, count)] = high.most_common(1)
    if codec in _DOS_CODE_PAGES:
        why = f"neither windows-1252 nor any code page but the DOS one {codec} reads them"
    elif count > _DAMAGE_ONE_VALUE * len(data):
        why = f"byte 0x{top:02X} alone is {count / len(data):.1%} of the text, more than any letter of a language"
    elif len(high) > _DAMAGE_VALUES:
        why = f"they take {len(high)} of the 128 values above ASCII, as damage does, not a language's letters"
    else:
        return None
    return (
        f"invalid UTF-8: {stray} bytes ({stray / len(data):.1%}) are not UTF-8 in otherwise ASCII text, "
        f"and {why} (damaged text; re-save the file as UTF-8)"
    )


def _mostly_utf8(data: bytes) -> str | None:
    """Decode UTF-8 with a few invalid bytes; ``None`` when it is not UTF-8 at all."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    lead_bytes = sum(data.count(b) for b in _UTF8_LEAD_BYTES)
    if lead_bytes - invalid >= _MOSTLY_UTF8_RATIO * invalid and invalid <= len(text) // 1000 + 1:
        return text
    return None


def _damaged_utf8(data: bytes) -> str | None:
    """Say why bytes are UTF-8 too damaged to decode, or ``None`` when they may be another encoding.

    Valid multi-byte UTF-8 sequences are rare by chance in single-byte
    encodings, so bytes that hold several of them and also invalid bytes
    beyond what "mostly UTF-8" tolerates are UTF-8 mixed with another
    encoding or corrupted. A detector would decode them with some code page
    and garble every non-ASCII character; the input is reported instead.
    """
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid = sum(1 for char in text if char > "\x7f" and char != "\ufffd")
    if valid < _DAMAGED_MIN_VALID or valid * _DAMAGED_RATIO < invalid or invalid > _DAMAGED_SHARE * len(data):
        return None
    return (
        f"invalid UTF-8: {invalid} bytes are not UTF-8 beside {valid} valid UTF-8 characters "
        "(mixed or damaged encoding; re-save the file as UTF-8)"
    )


def _detect(data: bytes) -> DecodedText | None:
    """Ask charset-normalizer, preferring cp1252 on a tie (see module docstring)."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    candidates = [best.encoding]
    for match in matches:
        if "cp1252" in match.could_be_from_charset and match.chaos <= best.chaos + _CP1252_TIE:
            candidates.insert(0, "cp1252")
            break
    candidates.extend(m.encoding for m in matches if m.encoding not in candidates)
    # charset-normalizer judges samples of large inputs; the whole must decode.
    decoded: list[DecodedText] = []
    for codec in candidates:
        try:
            decoded.append(DecodedText(data.decode(codec), codec))
        except UnicodeDecodeError:
            continue
        if len(decoded) == _CODECS_COMPARED:
            break
    if not decoded:
        return None
    # A codec that puts a symbol inside words ("Rz¹d og³osi³": Polish read as windows-1252) read the wrong
    # letters there: of the codecs that decode the bytes, the first with the fewest such symbols wins.
    return min(decoded, key=lambda d: _symbols_in_words(d.text))


def _symbols_in_words(text: str) -> int:
    """Non-ASCII symbols and superscripts written between two letters (apostrophes and dashes are not counted)."""
    return sum(unicodedata.category(m.group()) in _NOT_IN_WORDS for m in _BETWEEN_LETTERS.finditer(text))
