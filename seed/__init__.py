"""The synthetic demo data set (see seed/MODEL.md)."""
