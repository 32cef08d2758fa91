"""The working-day calendar's administration and the State Council's notice."""
