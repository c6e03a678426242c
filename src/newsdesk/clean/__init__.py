"""Cleaning: HTML extraction, boilerplate removal, titles, dates, near-duplicates."""

from newsdesk.clean.text import CleanSettings, TemplateMemory, clean_document, fit_templates

__all__ = ["CleanSettings", "TemplateMemory", "clean_document", "fit_templates"]
