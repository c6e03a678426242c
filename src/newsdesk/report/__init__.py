"""Reports: turn an :class:`~newsdesk.model.Analysis` into something people read.

``markdown`` renders a terminal/markdown summary, ``html`` one self-contained
HTML page, ``json`` the machine-readable contract.
"""
