"""Imports every module's models so SQLAlchemy and Alembic see the whole schema."""

from app.accounting import models as accounting_models
from app.api import models as api_models
from app.auth import models as auth_models
from app.auth import throttle as auth_throttle
from app.auth import token_models
from app.catalog import models as catalog_models
from app.catalog import units as catalog_units
from app.company import models as company_models
from app.core import form_tokens, numbering
from app.customers import models as customer_models
from app.invoicing import delivery as delivery_models
from app.invoicing import models as invoicing_models
from app.service_orders import handover_models as order_handover_models
from app.service_orders import models as service_order_models

__all__ = [
    "accounting_models",
    "api_models",
    "auth_models",
    "auth_throttle",
    "catalog_models",
    "catalog_units",
    "company_models",
    "customer_models",
    "delivery_models",
    "form_tokens",
    "invoicing_models",
    "numbering",
    "order_handover_models",
    "service_order_models",
    "token_models",
]
