"""Background work (django-tasks, run by ``manage.py db_worker``): bulk exports."""

from django_tasks import task

from kapcare.interop.exports import run_export

__all__ = ["run_export_task"]


@task()
def run_export_task(job_id: int) -> None:
    run_export(job_id)
