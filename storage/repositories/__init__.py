from storage.repositories.audit import AuditRepository
from storage.repositories.bot_state import BotStateRepository
from storage.repositories.housing import HousingRepository
from storage.repositories.staff import StaffRepository

__all__ = ["AuditRepository", "BotStateRepository", "HousingRepository", "StaffRepository"]
