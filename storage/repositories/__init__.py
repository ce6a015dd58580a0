from storage.repositories.admin import AdminRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.benchmark import BenchmarkRepository
from storage.repositories.bot_state import BotStateRepository
from storage.repositories.grants import GrantRepository
from storage.repositories.housing import HousingRepository
from storage.repositories.notifications import NotificationRepository
from storage.repositories.staff import StaffRepository

__all__ = [
    "AdminRepository",
    "AuditRepository",
    "BenchmarkRepository",
    "BotStateRepository",
    "GrantRepository",
    "HousingRepository",
    "NotificationRepository",
    "StaffRepository",
]
