"""Tests of app/services/linkage and its pages and API."""
