"""Validation of annotation files, in the order data flows: discovery (which files) -> reading (bytes to JSON,
located findings) -> structural (JSON Schema) -> semantic (the codebook's other rules) -> crossfile (rules
across files) -> a `Report`. `run` drives them."""

from .run import Annotation, Validation, check_record, validate

__all__ = ["Annotation", "Validation", "check_record", "validate"]
