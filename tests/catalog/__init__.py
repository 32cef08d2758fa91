"""Tests of app/services/catalog and its pages and API."""
