"""Small knowledge tables the resolver uses as features: short given names and country names.

Spelling cannot tell that "Bill" is "William" or that "DPRK" is North Korea;
a short table can. Both tables are deliberately small and high-precision:

- :func:`given_name_forms`: the formal given names a familiar form may stand
  for (Joe -> Joseph, Len -> Leonard, Peggy -> Margaret). The matcher treats
  two given names that share a form as the same name (no cannot-link between
  "Joe Vance" and "Joseph Vance") and blocks full names on it
  (:meth:`~newsdesk.enrich.matcher.Clusters.join_given_name_variants`); the
  pair is still scored.
- :func:`country_key`: one key for the common names and abbreviations of a
  country (United States, U.S., USA, America). Names with one key are one place.

The tables were written for this project from general knowledge of English
hypocorisms and country names; they are not copied from a list.
"""

from __future__ import annotations

from functools import lru_cache

#: Formal given name -> familiar forms that stand for it in news text.
_FAMILIAR: dict[str, tuple[str, ...]] = {
    "abraham": ("abe",),
    "albert": ("al", "bert"),
    "alexander": ("alex", "sandy"),
    "alexandra": ("alex", "sandra", "sandy"),
    "alfred": ("al", "alf", "fred"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony",),
    "antonio": ("tony",),
    "barbara": ("barb", "barbie"),
    "benjamin": ("ben", "benny"),
    "bernard": ("bernie",),
    "beverly": ("bev",),
    "catherine": ("cathy", "kate", "katie"),
    "charles": ("charlie", "chuck", "chas"),
    "christine": ("chris", "chrissy"),
    "christopher": ("chris",),
    "cynthia": ("cindy",),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davy"),
    "deborah": ("debbie", "deb"),
    "donald": ("don", "donnie"),
    "douglas": ("doug",),
    "edward": ("ed", "eddie", "ted", "ned"),
    "elizabeth": ("liz", "beth", "betsy", "betty", "lizzie"),
    "eugene": ("gene",),
    "frances": ("fran",),
    "francis": ("frank",),
    "frederick": ("fred", "freddie"),
    "gerald": ("jerry",),
    "gregory": ("greg",),
    "harold": ("hal",),
    "henry": ("hank", "harry"),
    "herbert": ("herb",),
    "jacob": ("jake",),
    "james": ("jim", "jimmy", "jamie"),
    "jeffrey": ("jeff",),
    "jennifer": ("jen", "jenny"),
    "jerome": ("jerry",),
    "john": ("jack", "johnny"),
    "jonathan": ("jon",),
    "joseph": ("joe", "joey"),
    "joshua": ("josh",),
    "judith": ("judy",),
    "katherine": ("kathy", "kate", "katie"),
    "kathleen": ("kathy", "kate"),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry",),
    "leonard": ("len", "lenny", "leo"),
    "margaret": ("maggie", "peggy", "meg"),
    "matthew": ("matt",),
    "michael": ("mike", "mikey", "mick"),
    "mitchell": ("mitch",),
    "nathaniel": ("nate", "nat"),
    "nicholas": ("nick", "nicky"),
    "patricia": ("pat", "patty", "trish"),
    "patrick": ("pat",),
    "peter": ("pete",),
    "philip": ("phil",),
    "phillip": ("phil",),
    "raymond": ("ray",),
    "rebecca": ("becky",),
    "richard": ("rick", "dick", "rich", "richie"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "ronald": ("ron", "ronnie"),
    "samuel": ("sam", "sammy"),
    "stephen": ("steve",),
    "steven": ("steve",),
    "susan": ("sue", "susie"),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim",),
    "victoria": ("vicky", "tori"),
    "walter": ("walt",),
    "william": ("bill", "billy", "will", "willie", "liam"),
}

_FORMS: dict[str, frozenset[str]] = {}
for _formal, _familiar in _FAMILIAR.items():
    _FORMS.setdefault(_formal, frozenset())
    _FORMS[_formal] |= {_formal}
    for _short in _familiar:
        _FORMS[_short] = _FORMS.get(_short, frozenset()) | {_formal}


def given_name_forms(token: str) -> frozenset[str]:
    """The formal given names a folded given-name token may stand for, itself included when it is formal.

    A name the table does not know stands only for itself.

    Examples:
        ``given_name_forms("joe") == {"joseph"}``; ``given_name_forms("pat") == {"patrick", "patricia"}``.
    """
    return _FORMS.get(token, frozenset({token}))


def same_given_name(a: str, b: str) -> bool:
    """Whether two folded given names can be one person's (Joe / Joseph, Chuck / Charles), by the table."""
    return a == b or bool(given_name_forms(a) & given_name_forms(b))


#: Country key -> the folded token sequences that name it.
_COUNTRIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "united states": (
        ("united", "states"),
        ("united", "states", "of", "america"),
        ("us",),
        ("usa",),
        ("u.s.",),
        ("u.s.a.",),
        ("america",),
    ),
    "united kingdom": (
        ("united", "kingdom"),
        ("uk",),
        ("u.k.",),
        ("britain",),
        ("great", "britain"),
    ),
    "north korea": (
        ("north", "korea"),
        ("dprk",),
        ("democratic", "people", "republic", "of", "korea"),
        ("democratic", "peoples", "republic", "of", "korea"),
    ),
    "south korea": (("south", "korea"), ("republic", "of", "korea"), ("rok",)),
    "china": (("china",), ("people", "republic", "of", "china"), ("peoples", "republic", "of", "china"), ("prc",)),
    "russia": (("russia",), ("russian", "federation")),
    "united arab emirates": (("united", "arab", "emirates"), ("uae",)),
    "netherlands": (("netherlands",), ("holland",)),
    "czech republic": (("czech", "republic"), ("czechia",)),
    "democratic republic of the congo": (("democratic", "republic", "of", "the", "congo"), ("drc",)),
    "ivory coast": (("ivory", "coast"), ("cote", "d'ivoire")),
    "myanmar": (("myanmar",), ("burma",)),
}

_COUNTRY_OF: dict[tuple[str, ...], str] = {tokens: country for country, names in _COUNTRIES.items() for tokens in names}


@lru_cache(maxsize=1 << 14)
def country_key(tokens: tuple[str, ...]) -> str | None:
    """The country a folded name names by the table ("usa", ("north", "korea")), else None.

    Possessives are already gone from name tokens ("People's" -> "people"); dots
    are ignored, so "U.S." and "US" are one key.
    """
    plain = tuple(t.replace(".", "") for t in tokens)
    return _COUNTRY_OF.get(tokens) or _COUNTRY_OF.get(plain)


__all__ = ["country_key", "given_name_forms", "same_given_name"]
