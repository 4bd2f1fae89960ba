"""Imports every area's models and every workflow declaration (each binds its model), so metadata
(Alembic, tests) sees all tables and every workflow model knows its workflow."""
from grants.core.audit import AuditEntry, AuditHead, AuditSeal  # noqa: F401
from grants.core.models import AppSetting, RowGeneration  # noqa: F401
from grants.core.outbox import OutboxEvent  # noqa: F401
from grants.core.mail_deliveries import MailDelivery  # noqa: F401
from grants.registry.models import Department, Grantor, Membership, MembershipInvitation, Organisation  # noqa: F401
from grants.registry.import_models import DuplicateCandidate, OrganisationSource, RegistryImport  # noqa: F401
from grants.accounts.models import LoginAttempt, UsedToken, User, UserRole  # noqa: F401
from grants.api.models import ApiToken, IdempotencyRecord  # noqa: F401
from grants.consultations.models import Consultation  # noqa: F401
from grants.contests.models import Contest  # noqa: F401,E402
from grants.offers.models import Offer, OfferPartner, OfferRevision  # noqa: F401,E402
from reviewers.models import Commission, CommissionMember, Declaration, ScoreCard  # noqa: F401,E402
from grants.params.models import DatedParameter  # noqa: F401,E402
from grants.directions.models import Direction, DirectionComment, DirectionSupport  # noqa: F401,E402
from grants.initiatives.models import Initiative  # noqa: F401,E402
from grants.small_grants.models import SmallGrant, SmallGrantComment  # noqa: F401,E402
from grants.programmes.models import Programme  # noqa: F401,E402
from grants.agreements.models import Agreement, Tranche  # noqa: F401,E402
from grants.reports.models import Report  # noqa: F401,E402
from grants.settlements.models import ReturnPayment, Settlement  # noqa: F401,E402
from grants.calltypes.innovation.models import Concept, ConceptCard, Milestone  # noqa: F401,E402
from grants.calltypes.federation.models import OfferMember, PoolCandidate  # noqa: F401,E402
from grants.privacy.models import DeletionRequest  # noqa: F401,E402
from grants.education.models import ConsultationSlot, EducationEvent, EventRegistration  # noqa: F401,E402
from grants.services.models import ServiceExchange, ServiceListing  # noqa: F401,E402
from grants.partnerships.models import PartnershipInterest, PartnershipOffer  # noqa: F401,E402
from grants.documents.models import Attachment, AttachmentRule, DocumentJob, IssuedDocument  # noqa: F401,E402
from grants.opendata.models import PublishedRelease  # noqa: F401,E402

# every workflow declaration, each binding its model (grants.workflows.registry.bind)
import grants.workflows.agreement  # noqa: F401,E402
import grants.workflows.commission  # noqa: F401,E402
import grants.workflows.concept  # noqa: F401,E402
import grants.workflows.consultation  # noqa: F401,E402
import grants.workflows.contest  # noqa: F401,E402
import grants.workflows.direction  # noqa: F401,E402
import grants.workflows.initiative  # noqa: F401,E402
import grants.workflows.offer  # noqa: F401,E402
import grants.workflows.report  # noqa: F401,E402
import grants.workflows.settlement  # noqa: F401,E402
import grants.workflows.small_grant  # noqa: F401,E402
import grants.workflows.tranche  # noqa: F401,E402
import grants.workflows.education  # noqa: F401,E402
import grants.workflows.services  # noqa: F401,E402
import grants.workflows.partnerships  # noqa: F401,E402
from grants.commissions.submissions import OFFERS  # noqa: F401,E402 - what commissions score: offers
from grants.calltypes.innovation.submissions import CONCEPTS  # noqa: F401,E402 - and concepts
from grants.notifications.models import (Notification, NotificationPreference, NotificationRun,  # noqa: F401,E402
                                         Subscription, SubscriptionItem)
from grants.notifications import hook as _notifications_hook  # noqa: E402

from grants.education import invitations as _invitations  # noqa: F401,E402 - the slot's invitation by mail

_notifications_hook.install()  # who is told of each transition (issue 12), wherever transitions run
