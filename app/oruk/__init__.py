"""Open Referral UK 3.0: Hearthlink's own taxonomies, the JSON shapes of the read API, and the
parsing and validation of ORUK JSON and the documented CSV for import. No Flask views here."""
