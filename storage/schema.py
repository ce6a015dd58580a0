"""Every table Dongne keeps. A domain's tables join ``Base.metadata`` when its models module is imported;
Alembic's autogenerate check and the tests' clean-up need all of them, so they read ``metadata`` here."""

from storage.audit import models as audit_models
from storage.base import Base
from storage.benchmark import models as benchmark_models
from storage.bot_state import models as bot_state_models
from storage.community import models as community_models
from storage.housing import models as housing_models
from storage.notifications import models as notification_models
from storage.reference import models as reference_models
from storage.sms import models as sms_models
from storage.staff import models as staff_models

DOMAIN_MODELS = (
    audit_models,
    benchmark_models,
    bot_state_models,
    community_models,
    housing_models,
    notification_models,
    reference_models,
    sms_models,
    staff_models,
)
metadata = Base.metadata
