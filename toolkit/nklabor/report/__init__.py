"""Findings as data (`Finding`, `Issue`, `Report`), their catalogue of stable codes, and the reporters that
format a report as text, JSON or GitHub annotations."""

from .codes import CODES, Code
from .issues import Finding, Issue, Report, short
from .reporters import REPORTERS

__all__ = ["CODES", "REPORTERS", "Code", "Finding", "Issue", "Report", "short"]
