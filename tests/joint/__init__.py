"""Tests of app/services/joint and its pages and API."""
