"""Imports every module's models so SQLAlchemy and Alembic see the whole schema."""

from app.accounting import models as accounting_models
from app.api import models as api_models
from app.auth import models as auth_models
from app.auth import token_models
from app.catalog import models as catalog_models
from app.company import models as company_models
from app.core import numbering
from app.customers import models as customer_models
from app.invoicing import models as invoicing_models

__all__ = [
    "accounting_models",
    "api_models",
    "auth_models",
    "catalog_models",
    "company_models",
    "customer_models",
    "invoicing_models",
    "numbering",
    "token_models",
]
