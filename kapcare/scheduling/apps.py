from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "kapcare.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # people.access decides what a monitor sees from the sessions they are booked on
        # today; the schedule lives here, above people, so it tells people where to look.
        from kapcare.people.access import register_medicine_bookings
        from kapcare.scheduling.access import medicine_bookings

        register_medicine_bookings(medicine_bookings)
