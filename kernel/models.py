"""Rows behind kernel.live: one counter per live channel and the events it has sent."""

from django.db import models


class LiveChannel(models.Model):
    """A named stream of events ("board:42"); `seq` is the number of the last event sent.

    Publishing locks this row, so events of one channel are numbered in commit order, without
    gaps, and a reader that has seen event N has seen every event before it.
    """

    name = models.CharField(max_length=100, unique=True)
    seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.seq}"


class LiveEvent(models.Model):
    """One event: an HTML fragment rendered once, for one audience of a channel."""

    channel = models.ForeignKey(LiveChannel, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    # "all", "facilitators", "participant:<id>", ...: a stream receives the events whose
    # audience is one of its own.
    audience = models.CharField(max_length=100, default="all")
    event = models.CharField(max_length=50, default="message")
    data = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            # Also the index that replay reads: WHERE channel_id = ? AND seq > ? ORDER BY seq.
            models.UniqueConstraint(fields=["channel", "seq"], name="kernel_liveevent_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}#{self.seq} {self.event} for {self.audience}"
