"""Events about accounts."""

from faststream.kafka import KafkaRouter

from app.models.events import UserCreated

router = KafkaRouter()

user_created = router.publisher(
    "user.created",
    schema=UserCreated,
    description="Someone signed up.",
)
