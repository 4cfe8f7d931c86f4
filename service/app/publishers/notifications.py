"""Messages for users."""

from faststream.kafka import KafkaRouter

from app.models.events import NotificationEvent

router = KafkaRouter()

notifications = router.publisher(
    "notifications",
    schema=NotificationEvent,
    description="A message to show a user.",
)
