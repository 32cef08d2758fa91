"""Tests of app/services/cases and its pages and API."""
