"""FHIR R4 (UK Core, BaRS-shaped) messages: reading referrals in, writing messages back.

Pure mapping between Hearthlink's records and FHIR resources (built with `fhir.resources`);
no Flask requests or pages here. The HTTP end is `app/fhir_api/`."""
