"""Wires the web layer into the app: i18n, CSRF and login, filters, and every area's page blueprint.
A module of its own (not the package's __init__), so that importing a web helper (grants.web.security,
grants.web.transitions) does not load every page. A new area adds its blueprint here."""
from __future__ import annotations

from flask import Flask

from grants.agreements.views import bp as agreements_bp
from grants.calltypes.federation.views import bp as federation_bp
from grants.calltypes.innovation.views import bp as innovation_bp
from grants.calltypes.views import bp as calltypes_bp
from grants.commissions.views import bp as commissions_bp
from grants.consultations.views import bp as consultations_bp
from grants.contests.views import bp as contests_bp
from grants.directions.views import bp as directions_bp
from grants.documents import handlers as document_handlers
from grants.documents.attachment_views import bp as attachments_bp
from grants.documents.views import bp as documents_bp
from grants.education.views import bp as education_bp
from grants.initiatives.views import bp as initiatives_bp
from grants.notifications import subscription_views
from grants.notifications import views as notifications_views
from grants.offers.views import bp as offers_bp
from grants.partnerships.views import bp as partnerships_bp
from grants.opendata.views import bp as opendata_bp
from grants.params.views import bp as params_bp
from grants.programmes.views import bp as programmes_bp
from grants.registry.dashboard_views import bp as dashboards_bp
from grants.registry.import_views import bp as registry_imports_bp
from grants.registry.member_views import bp as members_bp
from grants.registry.views import bp as registry_bp
from grants.reports.views import bp as reports_bp
from grants.services.views import bp as services_bp
from grants.settlements.views import bp as settlements_bp
from grants.small_grants.views import bp as small_grants_bp
from grants.web import (
    account,
    audit_seals,
    auth,
    errors,
    filters,
    health,
    home,
    i18n,
    operator,
    password_reset,
    portal,
    privacy,
    security,
    signin,
    totp,
    users_admin,
    workflows_page,
)


def init_web(app: Flask) -> None:
    i18n.init(app)
    security.init(app)
    filters.init(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(signin.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(workflows_page.bp)
    for blueprint in (account.bp, password_reset.bp, users_admin.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(privacy.bp)  # R-RODO
    app.register_blueprint(operator.bp)  # issue 22: the authorities
    app.register_blueprint(portal.bp)  # issue 22: /kraj/ and /<code>/ (after every fixed path)
    app.register_blueprint(totp.bp)
    app.register_blueprint(audit_seals.bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(contests_bp)
    app.register_blueprint(offers_bp)
    for blueprint in (directions_bp, initiatives_bp, programmes_bp, small_grants_bp, agreements_bp, params_bp,
                      reports_bp, settlements_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(registry_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(registry_imports_bp)  # issue 16: imports and duplicates
    app.register_blueprint(dashboards_bp)
    app.register_blueprint(commissions_bp)
    app.register_blueprint(opendata_bp)  # issue 18: open data
    for blueprint in (calltypes_bp, innovation_bp, federation_bp):
        app.register_blueprint(blueprint)
    for blueprint in (education_bp, services_bp, partnerships_bp):  # issue 17: beyond grants
        app.register_blueprint(blueprint)
    app.register_blueprint(notifications_views.bp)  # issue 12: inbox, preferences, undelivered mail
    app.register_blueprint(subscription_views.bp)
    document_handlers  # noqa: B018 - R-DOC-ISSUED: its job handlers register on import
    app.register_blueprint(documents_bp)
    app.register_blueprint(attachments_bp)
    errors.init(app)
