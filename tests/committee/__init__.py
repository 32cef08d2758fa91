"""Tests of app/services/committee and its pages and API."""
