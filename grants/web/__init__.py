"""The web layer: layout, i18n, login, CSRF, role homes. Pages of each area live in its views.py."""
from __future__ import annotations

from flask import Flask


def init_web(app: Flask) -> None:
    from . import audit_seals, auth, filters, health, home, i18n, privacy, security, signin, totp, workflows_page
    i18n.init(app)
    security.init(app)
    filters.init(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(signin.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(workflows_page.bp)
    from . import account, password_reset, users_admin
    for blueprint in (account.bp, password_reset.bp, users_admin.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(privacy.bp)  # R-RODO
    app.register_blueprint(totp.bp)
    app.register_blueprint(audit_seals.bp)
    from grants.consultations.views import bp as consultations_bp
    app.register_blueprint(consultations_bp)
    from grants.contests.views import bp as contests_bp
    from grants.offers.views import bp as offers_bp
    app.register_blueprint(contests_bp)
    app.register_blueprint(offers_bp)
    from grants.directions.views import bp as directions_bp
    from grants.initiatives.views import bp as initiatives_bp
    from grants.programmes.views import bp as programmes_bp
    from grants.small_grants.views import bp as small_grants_bp
    from grants.agreements.views import bp as agreements_bp
    from grants.params.views import bp as params_bp
    from grants.reports.views import bp as reports_bp
    from grants.settlements.views import bp as settlements_bp
    for blueprint in (directions_bp, initiatives_bp, programmes_bp, small_grants_bp, agreements_bp, params_bp,
                      reports_bp, settlements_bp):
        app.register_blueprint(blueprint)
    from grants.registry.member_views import bp as members_bp
    from grants.registry.views import bp as registry_bp
    app.register_blueprint(registry_bp)
    app.register_blueprint(members_bp)
    from grants.registry.import_views import bp as registry_imports_bp
    app.register_blueprint(registry_imports_bp)
    from grants.registry.dashboard_views import bp as dashboards_bp
    app.register_blueprint(dashboards_bp)
    from grants.commissions.views import bp as commissions_bp
    app.register_blueprint(commissions_bp)
    from grants.calltypes.federation.views import bp as federation_bp
    from grants.calltypes.innovation.views import bp as innovation_bp
    from grants.calltypes.views import bp as calltypes_bp
    for blueprint in (calltypes_bp, innovation_bp, federation_bp):
        app.register_blueprint(blueprint)
    from . import errors
    errors.init(app)
