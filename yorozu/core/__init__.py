"""The ground floor: what every app uses and nothing of theirs (docs/architecture.md).

Fiscal time, error classes, form widgets, URL converters and Excel helpers. Modules here import
Django, the standard library and each other, never an app of the project."""
