"""Analytics: the database read into the outcomes engine's DataFrames, and the dashboard's figures.

Nothing here writes to the service's records; the only table it owns is the dashboard cache.
"""
