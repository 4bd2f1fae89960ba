"""The `grants` command line (also `flask --app grants ...`)."""
from __future__ import annotations

import json
import signal
import sys
import threading

import click
from alembic import command
from alembic.config import Config
from dramatiq import Worker
from flask import current_app
from flask.cli import FlaskGroup

import grants.calltypes.installed  # noqa: F401 - the plug-in call types (demo data, workers), as the app registers them
from grants import create_app
from grants.accounts.operations import AccountError, create_user
from grants.core import audit, clock
from grants.core import db as core_db
from grants.core.config import REPO_ROOT, ConfigError
from grants.core.db import get_engine
from grants.core.permissions import GRANTOR_STAFF
from grants.demo import already_seeded, seed
from grants.jobs import actors, broker, relay  # noqa: F401 - actors declared before the worker starts
from grants.jobs.scheduler import Scheduler
from grants.privacy.operations import purge
from grants.registry import authorities
from grants.registry.departments import primary_grantor_id
from grants.registry.models import Grantor

db_cli = click.Group("db", help="Database migrations (Alembic).")


def _alembic_config():

    cfg = Config()
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Apply migrations up to REVISION (default: head)."""
    command.upgrade(_alembic_config(), revision)
    click.echo(f"database upgraded to {revision}")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision):
    """Revert migrations down to REVISION (e.g. base)."""
    command.downgrade(_alembic_config(), revision)
    click.echo(f"database downgraded to {revision}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Autogenerate a revision from the models (run against a database at head)."""
    command.revision(_alembic_config(), message=message, autogenerate=True)


@db_cli.command("current")
def db_current():
    command.current(_alembic_config())


users_cli = click.Group("users", help="User accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="applicant, officer, commission_member, "
              "finance, admin, participant, operator; repeat for several")
@click.option("--password", required=True)
@click.option("--name", "full_name", default="")
@click.option("--organisation", "organisation", default=None, help="KRS number of the user's organisation")
@click.option("--department", default=None, help="department code (officers)")
@click.option("--stakeholder-type", default=None, help="participants: business, resident, school, city_unit")
@click.option("--grantor", default=None, help="code of the authority of an admin or finance user (default: the "
              "deployment's first authority, said in the output)")
def users_create(email, roles, password, full_name, organisation, department, stakeholder_type, grantor):
    """Create a user with one or more roles."""
    s = core_db.session()
    if grantor is None and department is None and set(roles) & set(GRANTOR_STAFF):
        # the operator's tool: a staff account named by neither department nor authority belongs to
        # the deployment's first authority, and the output says so (pages always ask, issue 22)
        gid = primary_grantor_id(s)
        grantor = s.get(Grantor, gid).code if gid is not None else None
        if grantor:
            click.echo(f"authority: {grantor} (--grantor to choose another)")
    try:
        user = create_user(s, email=email, password=password, roles=list(roles), full_name=full_name,
                           organisation_krs=organisation, department_code=department,
                           stakeholder_type=stakeholder_type, grantor_code=grantor)
        s.commit()
    except AccountError as e:
        s.rollback()
        raise click.ClickException(f"{e.field}: {e.message}") from None
    click.echo(f"created user {user.id} {user.email} roles={','.join(sorted(user.role_names))}")


grantors_cli = click.Group("grantors", help="The authorities (grantors) this deployment serves.")


@grantors_cli.command("create")
@click.option("--code", required=True, help="short code, also the portal's path: /<code>/")
@click.option("--name", required=True)
@click.option("--teryt", required=True, help="TERYT code of the unit (2, 4 or 7 digits)")
@click.option("--office-name", default="")
@click.option("--colour", default="")
@click.option("--coat-of-arms-url", default="")
@click.option("--host", default="", help="a host name serving this authority's portal at / (e.g. granty.wieliczka.pl)")
def grantors_create(code, name, teryt, office_name, colour, coat_of_arms_url, host):
    """Add an authority (then its first admin: users create --role admin --grantor CODE)."""
    s = core_db.session()
    try:
        g = authorities.create(s, None, code=code, name=name, teryt=teryt, office_name=office_name, colour=colour,
                               coat_of_arms_url=coat_of_arms_url, host=host)
        s.commit()
    except authorities.GrantorError as e:
        s.rollback()
        raise click.ClickException(str(e)) from None
    click.echo(f"created grantor {g.id} {g.code} {g.name}")


@grantors_cli.command("list")
def grantors_list():
    for g in authorities.all_grantors(core_db.session()):
        click.echo(f"{g.id}\t{g.code}\t{g.teryt}\t{g.name}" + (f"\t{g.host}" if g.host else ""))


clock_cli = click.Group("clock", help="The business clock (movable outside production).")


@clock_cli.command("set")
@click.argument("moment")
def clock_set(moment):
    """Move business time to MOMENT (ISO; no zone means Europe/Warsaw). Time keeps running."""
    try:
        now = clock.set_clock(clock.parse_moment(moment))
    except clock.ClockError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"clock set: {now.astimezone(clock.WARSAW).isoformat()}")


@clock_cli.command("reset")
def clock_reset():
    """Return business time to real time."""
    try:
        clock.reset_clock()
    except clock.ClockError as e:
        raise click.ClickException(str(e)) from None
    click.echo("clock reset to real time")


@clock_cli.command("show")
def clock_show():
    off = clock.offset_seconds()
    click.echo(f"{clock.now().astimezone(clock.WARSAW).isoformat()} (offset {off:+.0f} s)")


audit_cli = click.Group("audit", help="The tamper-evident audit trail.")


def _published_seals(path: str) -> list[tuple[int, str]]:
    """A copy of GET /api/v1/audit/seals (one page's JSON, or a list of its items or pages)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        pages = data if isinstance(data, list) else [data]
        items = [i for p in pages for i in (p.get("items", [p]) if isinstance(p, dict) and "items" in p else [p])]
        return [(int(i["id"]), str(i["hash"])) for i in items]
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise click.BadParameter(f"{path}: not a copy of /api/v1/audit/seals ({e})", param_hint="--seals") from None


@audit_cli.command("verify")
@click.option("--seals", "seals_copy", type=click.Path(dir_okay=False),
              help="a copy of GET /api/v1/audit/seals kept outside the database, to compare")
def audit_verify(seals_copy):
    """Walk every chain, compare each with its head, walk every seal; exit non-zero if broken."""
    published = _published_seals(seals_copy) if seals_copy else None
    s = core_db.session()
    result = audit.verify(s)
    problems = result.problems + (audit.compare_seals(s, published) if published is not None else [])
    if problems:
        for problem in problems:
            click.echo(f"BROKEN: {problem}", err=True)
        sys.exit(1)
    click.echo(f"audit trail intact: {result.entries} entries, {result.seals} seals")
    if published is not None:
        click.echo(f"{len(published)} published seals match")


@audit_cli.command("seal")
def audit_seal():
    """Seal the heads of all chains now."""
    s = core_db.session()
    try:
        seal = audit.checkpoint(s)
    except audit.AuditBroken as e:
        s.rollback()
        for problem in e.problems:
            click.echo(f"BROKEN: {problem}", err=True)
        click.echo("not sealed: run `grants audit verify`", err=True)
        sys.exit(1)
    s.commit()
    click.echo(f"seal {seal.id}" if seal else "nothing new to seal")


rodo_cli = click.Group("rodo", help="Personal data (R-RODO): retention periods.")


@rodo_cli.command("purge")
def rodo_purge():
    """Remove or anonymise what is past its retention period (dated parameters retention.*)."""
    s = core_db.session()
    done = purge(s)
    s.commit()
    click.echo(", ".join(f"{k}: {v}" for k, v in done.items()))


@click.command("demo")
@click.option("--first-run", is_flag=True, help="seed only when the database has no grantor yet")
def demo(first_run):
    """Seed the demo Kraków (idempotent)."""
    if first_run and already_seeded():
        click.echo("demo data already present")
        return
    click.echo(seed())


@click.command("worker")
@click.option("--threads", default=4, show_default=True)
@click.option("--relay-interval", default=15.0, show_default=True, type=float,
              help="seconds between relay rounds (a pending row is sent again only when its lease has run out)")
def worker(threads, relay_interval):
    """Run a job worker (Redis broker), with the outbox relay."""

    w = Worker(broker.broker, worker_threads=threads)
    w.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"worker running ({broker.BROKER_URL.split('@')[-1]}), {threads} threads")
    app = current_app._get_current_object()
    while not stop.is_set():
        with app.app_context():
            try:
                relay.relay_pending()
            except Exception as e:  # noqa: BLE001
                click.echo(f"relay: {e}", err=True)
        stop.wait(relay_interval)
    w.stop()


@click.command("scheduler")
@click.option("--interval", default=15.0, show_default=True, type=float,
              help="seconds between ticks (and between a standby's asks for the scheduler lock)")
@click.option("--notify-every", default=60.0, show_default=True, type=float,
              help="seconds between runs of reminders, digests and newsletters")
def scheduler(interval, notify_every):
    """Run the scheduler: due transitions, reminders, outbox relay, audit seals. Start one on each of
    several machines if you like: on PostgreSQL exactly one acts, the others stand by."""

    sch = Scheduler(current_app._get_current_object(), interval=interval)
    sch.notify_every = notify_every
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: sch.stop())
    standby = " (acts while it holds the scheduler lock)" if sch.leadership.needed() else ""
    click.echo(f"scheduler running every {interval:g} s{standby}")
    sch.run_forever()


def register(app) -> None:
    for cmd in (db_cli, users_cli, grantors_cli, clock_cli, audit_cli, rodo_cli, demo, worker, scheduler):
        app.cli.add_command(cmd)


def main() -> None:
    try:
        FlaskGroup(create_app=create_app, name="grants")(prog_name="grants")
    except ConfigError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
