"""The SAP S/4HANA adapter (OData V2 services, CSRF, basic auth or OAuth client credentials)."""
