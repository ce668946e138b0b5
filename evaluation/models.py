# Models arrive with their issue; the app exists so that URLs and migrations have a home.
