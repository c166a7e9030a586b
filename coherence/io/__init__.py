"""Readers and writers: corpora in, reports out."""

from coherence.io.readers import InputError, read_articles
from coherence.io.records import FieldNames, to_article
from coherence.io.writers import ReportWriter, check_output_path, open_writer, read_records

__all__ = [
    "FieldNames",
    "InputError",
    "ReportWriter",
    "check_output_path",
    "open_writer",
    "read_articles",
    "read_records",
    "to_article",
]
