from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life from each background worker, read by /healthz."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker_id
