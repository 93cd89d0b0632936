from django.apps import AppConfig


class MedicineConfig(AppConfig):
    name = "kapcare.medicine"
    label = "medicine"
    verbose_name = "Medical screening and medicine sessions"
