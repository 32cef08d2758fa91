"""Tests of app/services/calendar and its pages and API."""
