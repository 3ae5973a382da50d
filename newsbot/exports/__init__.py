"""Exports (after the store): writers for jsonl, csv and parquet over one schema (schema.py)."""

from __future__ import annotations

from newsbot.exports.csv import CsvWriter
from newsbot.exports.jsonl import JsonlWriter
from newsbot.exports.parquet import ParquetWriter

WRITERS = {"jsonl": JsonlWriter, "csv": CsvWriter, "parquet": ParquetWriter}
