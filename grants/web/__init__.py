"""The web layer: layout, i18n, login, CSRF, role homes. Pages of each area live in its views.py."""
# the app wires this package through grants.web.setup.init_web
