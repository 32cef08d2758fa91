"""Tests of app/services/organization and its pages and API."""
