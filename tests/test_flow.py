"""The sandbox's message-flow record, on the real Kafka broker: what was published, what each
handler did with it, waiting for it with a timeout, and the sandbox's cleanup and isolation."""

from __future__ import annotations

import asyncio
import time

import pytest

from helpers.cleanup import kafka_topics
from helpers.errors import HandlerFailed, NothingArrived
from helpers.sandbox import Sandbox


async def started(broker):
    await broker.start()
    return broker


async def test_handler_is_recorded(kafka_sandbox):
    broker = kafka_sandbox.kafka_broker()
    topic = kafka_sandbox.topic("orders")

    @broker.subscriber(topic, auto_offset_reset="earliest")
    async def on_order(order: dict) -> int:
        return order["qty"] * 2

    await started(broker)
    await broker.publish({"sku": "A-1", "qty": 21}, topic)
    [delivery] = await kafka_sandbox.handled(on_order, timeout=10)
    assert delivery.handler == "on_order"
    assert delivery.channel == topic
    assert delivery.body == {"sku": "A-1", "qty": 21}
    assert delivery.result == 42
    assert delivery.error is None and delivery.ok

    # the same delivery, looked up by topic instead of by handler
    assert await kafka_sandbox.handled(topic, timeout=1) == [delivery]


async def test_handled_waits_for_count_messages(kafka_sandbox):
    broker = kafka_sandbox.kafka_broker()
    topic = kafka_sandbox.topic("orders")
    seen = []

    @broker.subscriber(topic, auto_offset_reset="earliest")
    async def on_order(order: dict) -> None:
        seen.append(order["n"])

    await started(broker)
    for n in range(3):
        await broker.publish({"n": n}, topic)
    deliveries = await kafka_sandbox.handled(on_order, count=3, timeout=10)
    assert [d.body["n"] for d in deliveries] == [0, 1, 2]
    assert seen == [0, 1, 2]


async def test_nothing_published_at_all(kafka_sandbox):
    topic = kafka_sandbox.topic("orders")
    began = time.monotonic()
    with pytest.raises(NothingArrived) as info:
        await kafka_sandbox.handled(topic, timeout=1)
    elapsed = time.monotonic() - began
    assert 1 <= elapsed < 3, f"waited {elapsed:.1f} s for a 1 s timeout"
    assert isinstance(info.value, TimeoutError)  # `except TimeoutError` in a checker catches it
    message = str(info.value)
    assert "Nothing was published at all" in message
    assert "`orders`" in message
    assert kafka_sandbox.prefix not in message  # the learner sees the names they wrote


async def test_nothing_arrived_names_the_topics_that_were_used(kafka_sandbox):
    broker = await started(kafka_sandbox.kafka_broker())
    used = kafka_sandbox.topic("orders.created")
    await broker.publish({"n": 1}, used)
    assert len(await kafka_sandbox.published(used, timeout=5)) == 1

    with pytest.raises(NothingArrived) as info:
        await kafka_sandbox.handled(kafka_sandbox.topic("order.created"), timeout=0.5)
    message = str(info.value)
    assert "`order.created`" in message
    assert "orders.created" in message
    assert "Is the topic name right?" in message
    assert "Nothing was published at all" not in message
    assert kafka_sandbox.prefix not in message


async def test_published_but_not_consumed(kafka_sandbox):
    broker = await started(kafka_sandbox.kafka_broker())
    topic = kafka_sandbox.topic("orders")
    await broker.publish({"n": 1}, topic)  # nobody subscribes
    with pytest.raises(NothingArrived) as info:
        await kafka_sandbox.handled(topic, timeout=0.5)
    message = str(info.value)
    assert "Published to `orders` in this run: 1." in message
    assert "await broker.start()" in message


async def test_handler_that_raises(kafka_sandbox):
    broker = kafka_sandbox.kafka_broker(logger=None)  # the traceback is the point here, not log noise
    topic = kafka_sandbox.topic("payments")

    @broker.subscriber(topic, auto_offset_reset="earliest")
    async def charge(payment: dict) -> None:
        raise ValueError(f"card {payment['card']} declined")

    await started(broker)
    await broker.publish({"card": "4242"}, topic)

    with pytest.raises(HandlerFailed) as info:
        await kafka_sandbox.handled(charge, timeout=10)
    message = str(info.value)
    assert "`charge`" in message
    assert "ValueError" in message
    assert "card 4242 declined" in message
    assert "`payments`" in message
    assert isinstance(info.value.__cause__, ValueError)

    with pytest.raises(HandlerFailed):
        await kafka_sandbox.handled(topic, timeout=1)  # waiting on the topic reports it the same way

    await broker.publish({"card": "5555"}, topic)
    [delivery] = await kafka_sandbox.handled(charge, timeout=10, raise_errors=False)
    assert delivery.done and not delivery.ok
    assert isinstance(delivery.error, ValueError)
    assert str(delivery.error) == "card 5555 declined"
    assert delivery.body == {"card": "5555"}
    assert delivery.result is None


async def test_each_wait_returns_new_messages(kafka_sandbox):
    """Rerunning a publish-and-wait cell waits for the message it just published, not an older one."""
    broker = kafka_sandbox.kafka_broker()
    topic = kafka_sandbox.topic("orders")

    @broker.subscriber(topic, auto_offset_reset="earliest")
    async def on_order(order: dict) -> int:
        return order["n"]

    await started(broker)
    for n in (1, 2):  # the same cell, run twice
        await broker.publish({"n": n}, topic)
        [delivery] = await kafka_sandbox.handled(on_order, timeout=10)
        assert delivery.result == n
    assert [p.body for p in await kafka_sandbox.published(topic, count=2, timeout=1)] == [{"n": 1}, {"n": 2}]

    with pytest.raises(NothingArrived) as info:  # only the waiting cell run again: nothing new comes
        await kafka_sandbox.handled(on_order, timeout=0.3)
    message = str(info.value)
    assert "0 arrived" in message
    assert "(2 earlier one(s) went to previous waits: each wait returns new messages only.)" in message
    with pytest.raises(NothingArrived, match="2 earlier one"):
        await kafka_sandbox.published(topic, timeout=0.3)


async def test_published_returns_what_was_published(kafka_sandbox):
    broker = await started(kafka_sandbox.kafka_broker())
    topic = kafka_sandbox.topic("orders")
    other = kafka_sandbox.topic("audit")
    await broker.publish({"n": 1}, topic, key=b"sku-1", headers={"source": "test"})
    await broker.publish({"n": 0}, other)
    await broker.publish("second", topic)

    first, second = await kafka_sandbox.published(topic, count=2, timeout=5)
    assert (first.channel, first.body, first.key) == (topic, {"n": 1}, b"sku-1")
    assert first.headers.get("source") == "test"
    assert (second.channel, second.body) == (topic, "second")
    assert [p.body for p in await kafka_sandbox.published(other, timeout=1)] == [{"n": 0}]


async def test_published_times_out_with_where_messages_went(kafka_sandbox):
    broker = await started(kafka_sandbox.kafka_broker())
    await broker.publish({"n": 1}, kafka_sandbox.topic("orders"))
    began = time.monotonic()
    with pytest.raises(NothingArrived) as info:
        await kafka_sandbox.published(kafka_sandbox.topic("orders"), count=2, timeout=0.5)
    assert time.monotonic() - began < 2.5
    assert "1 arrived" in str(info.value)
    with pytest.raises(NothingArrived) as info:
        await kafka_sandbox.published(kafka_sandbox.topic("refunds"), timeout=0.5)
    assert "Messages went to: `orders`." in str(info.value)


async def test_close_deletes_the_sandbox_topics_and_only_those(kafka_sandbox):
    neighbour = Sandbox.open("99", needs=("kafka",))
    try:
        broker = await started(kafka_sandbox.kafka_broker())
        other_broker = await started(neighbour.kafka_broker())
        mine = [kafka_sandbox.topic("orders"), kafka_sandbox.topic("audit.log")]
        theirs = neighbour.topic("orders")
        for topic in mine:
            await broker.publish({"n": 1}, topic)
        await other_broker.publish({"n": 1}, theirs)

        assert await kafka_topics(kafka_sandbox.prefix) == sorted(mine)
        await kafka_sandbox.close()
        assert await kafka_topics(kafka_sandbox.prefix) == []
        assert await kafka_topics(neighbour.prefix) == [theirs]
        await kafka_sandbox.close()  # closing twice is harmless
    finally:
        await neighbour.close()
    assert await kafka_topics(neighbour.prefix) == []


async def test_sandbox_as_context_manager_cleans_up():
    async with Sandbox.open("99", needs=("kafka",)) as sandbox:
        broker = await started(sandbox.kafka_broker())
        await broker.publish({"n": 1}, sandbox.topic("orders"))
        assert await kafka_topics(sandbox.prefix) == [sandbox.topic("orders")]
    assert await kafka_topics(sandbox.prefix) == []


async def test_two_sandboxes_on_the_same_topic_name_stay_apart():
    first, second = Sandbox.open("99", needs=("kafka",)), Sandbox.open("99", needs=("kafka",))
    try:
        assert first.topic("orders") != second.topic("orders")
        received: dict[str, list] = {"first": [], "second": []}

        def wire(sandbox: Sandbox, who: str):
            broker = sandbox.kafka_broker()

            @broker.subscriber(sandbox.topic("orders"), auto_offset_reset="earliest")
            async def on_order(order: dict) -> None:
                received[who].append(order)

            return broker, on_order

        (broker_1, handler_1), (broker_2, handler_2) = wire(first, "first"), wire(second, "second")
        await asyncio.gather(broker_1.start(), broker_2.start())

        n = 5
        await asyncio.gather(
            *(broker_1.publish({"from": "first", "i": i}, first.topic("orders")) for i in range(n)),
            *(broker_2.publish({"from": "second", "i": i}, second.topic("orders")) for i in range(n)),
        )
        # Each side's last message goes out after both sides published everything else, so when it
        # has arrived, anything leaking from the other side on a shared topic would have arrived too.
        await asyncio.gather(
            broker_1.publish({"from": "first", "i": "end"}, first.topic("orders")),
            broker_2.publish({"from": "second", "i": "end"}, second.topic("orders")),
        )
        await asyncio.gather(
            first.handled(handler_1, count=n + 1, timeout=15),
            second.handled(handler_2, count=n + 1, timeout=15),
        )
        for who in ("first", "second"):
            assert {m["from"] for m in received[who]} == {who}, received[who]
            assert sorted(str(m["i"]) for m in received[who]) == sorted([*map(str, range(n)), "end"])
        assert {d.channel for d in first.flow.delivered()} == {first.topic("orders")}
        assert {d.channel for d in second.flow.delivered()} == {second.topic("orders")}
        assert {p.channel for p in first.flow.published()} == {first.topic("orders")}
    finally:
        await asyncio.gather(first.close(), second.close())


# -- known gaps (see the reasons) ----------------------------------------------------


async def test_nothing_arrived_names_the_handler(kafka_sandbox):
    broker = await started(kafka_sandbox.kafka_broker())

    @broker.subscriber(kafka_sandbox.topic("orders"), auto_offset_reset="earliest")
    async def on_order(order: dict) -> None: ...

    with pytest.raises(NothingArrived) as info:
        await kafka_sandbox.handled(on_order, timeout=0.3)
    assert "`on_order`" in str(info.value)


async def test_close_cleans_brokers_made_beyond_needs():
    sandbox = Sandbox("99", needs=())
    try:
        broker = await started(sandbox.kafka_broker())
        await broker.publish({"n": 1}, sandbox.topic("orders"))
        await sandbox.close()
        assert await kafka_topics(sandbox.prefix) == []
    finally:
        from helpers.cleanup import clean_namespace

        await clean_namespace(sandbox.prefix, kinds=("kafka",))


async def test_clean_deletes_only_this_learners_interrupted_runs(monkeypatch):
    """`make clean-sandboxes` in a workshop: Ada's crashed run goes; her live one, Bob's and solo runs stay."""
    import json
    import subprocess
    import sys

    from helpers.cleanup import clean_matching, leftovers, live_prefixes
    from helpers.settings import state_dir

    def sandbox_of(who: str) -> Sandbox:
        monkeypatch.setenv("COURSE_LEARNER", who)
        return Sandbox("99", needs=("kafka",))

    runs = {"ada-live": sandbox_of("ada"), "ada-crashed": sandbox_of("ada"), "bob": sandbox_of("bob"),
            "solo": sandbox_of(""), "solo-crashed": sandbox_of(""),
            "123456": sandbox_of("123456")}  # a learner whose name looks like a run id
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    for crashed in ("ada-crashed", "solo-crashed"):  # their kernels died without closing the sandbox
        registry = state_dir() / "sandboxes" / f"{runs[crashed].prefix}.json"
        registry.write_text(json.dumps({"pid": int(gone.stdout)}))
    producer = await started(runs["solo"].kafka_broker())

    async def left() -> set[str]:
        return {name for name, sandbox in runs.items() if await kafka_topics(sandbox.prefix)}

    try:
        for sandbox in runs.values():
            await producer.publish({"n": 1}, sandbox.topic("orders"))
        monkeypatch.setenv("COURSE_LEARNER", "ada")
        assert runs["ada-crashed"].prefix not in live_prefixes()
        await clean_matching(leftovers(), kinds=("kafka",))
        assert await left() == {"ada-live", "bob", "solo", "solo-crashed", "123456"}

        monkeypatch.setenv("COURSE_LEARNER", "")  # a solo learner's clean leaves every named learner alone
        solo = leftovers()
        ours = tuple(sandbox.prefix for sandbox in runs.values())  # other tests' solo runs share this Kafka
        await clean_matching(lambda name: solo(name) and name.startswith(ours), kinds=("kafka",))
        assert await left() == {"ada-live", "bob", "solo", "123456"}
    finally:
        await asyncio.gather(*(sandbox.close() for sandbox in runs.values()))


async def test_a_wait_on_a_handler_says_where_messages_went_instead(kafka_sandbox):
    broker = kafka_sandbox.kafka_broker()

    @broker.subscriber(kafka_sandbox.topic("user.created"), auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> None: ...

    await started(broker)
    await broker.publish({"user_id": 1}, kafka_sandbox.topic("user.create"))  # a typo in the topic
    with pytest.raises(NothingArrived) as info:
        await kafka_sandbox.handled(on_user_created, timeout=0.5)
    message = str(info.value)
    assert "Published to `user.created` in this run: 0." in message
    assert "Messages did go to: `user.create`. Is the topic name right?" in message


async def test_a_topic_outside_the_sandbox_is_named_as_such(kafka_sandbox):
    broker = kafka_sandbox.kafka_broker()

    @broker.subscriber(kafka_sandbox.topic("user.created"), auto_offset_reset="earliest")
    async def on_user_created(event: dict) -> None: ...

    await started(broker)
    await broker.publish({"user_id": 1}, "course-test-outside-sandbox")  # forgot sb.topic(...)
    try:
        with pytest.raises(NothingArrived) as info:
            await kafka_sandbox.handled(on_user_created, timeout=0.5)
        assert "Messages did go to: `course-test-outside-sandbox` (not an sb.topic(...) name)." in str(info.value)
    finally:
        from helpers.cleanup import delete_kafka_topics

        await delete_kafka_topics(["course-test-outside-sandbox"])


async def test_a_wait_ends_early_when_the_broker_stops_answering(kafka_sandbox, monkeypatch):
    """A dead broker is reported within about a second, not at the end of the wait's timeout."""
    from helpers import flow
    from helpers.errors import BrokerUnavailable

    topic = kafka_sandbox.topic("orders")
    monkeypatch.setattr(flow, "reachable", lambda spec, timeout: "Connection refused")  # the broker just died
    began = time.monotonic()
    with pytest.raises(BrokerUnavailable, match="it stopped answering: Connection refused"):
        await kafka_sandbox.handled(topic, timeout=10)
    assert time.monotonic() - began < 3


async def test_starting_a_running_broker_again_is_harmless(kafka_sandbox, capsys):
    broker = kafka_sandbox.kafka_broker()
    topic = kafka_sandbox.topic("orders")

    @broker.subscriber(topic, auto_offset_reset="earliest")
    async def on_order(order: dict) -> None: ...

    await started(broker)
    await broker.start()  # the start cell, run again
    assert "This broker is running already, so nothing was done." in capsys.readouterr().out
    await broker.publish({"n": 1}, topic)
    await kafka_sandbox.handled(on_order)
    with pytest.raises(NothingArrived):
        await kafka_sandbox.handled(on_order, timeout=1)  # one message, handled once: no second consumer


def test_every_kind_of_subscriber_names_its_channel():
    from faststream.kafka import KafkaBroker
    from faststream.nats import NatsBroker
    from faststream.rabbit import RabbitBroker
    from faststream.redis import RedisBroker

    from helpers.flow import channels_of

    cases = [(KafkaBroker, {}, "orders"), (RedisBroker, {"channel": "orders"}, "orders"),
             (RedisBroker, {"list": "orders"}, "orders"), (RedisBroker, {"stream": "orders"}, "orders"),
             (NatsBroker, {}, "orders"), (RabbitBroker, {"queue": "orders"}, "orders")]
    for broker_class, where, name in cases:
        broker = broker_class()
        broker.subscriber(**where)(lambda body: None) if where else broker.subscriber(name)(lambda body: None)
        assert channels_of(broker.subscribers[0]) == [name], (broker_class.__name__, where)
