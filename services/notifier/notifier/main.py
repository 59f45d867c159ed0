"""Wiring: settings → runtime → stores, channels, handlers, workers, subscribers → the ASGI app."""

from collections.abc import Mapping
from datetime import timedelta

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from notifier import api, consumers
from notifier.alerts import api as alerts_api
from notifier.alerts.centres import CellBroadcastCentres
from notifier.alerts.handlers import AlertHandlers
from notifier.alerts.store import AlertStore, BroadcastStore
from notifier.alerts.worker import BroadcastWorker
from notifier.channels import Sender
from notifier.channels.email import EmailSender
from notifier.channels.sms import SmsSender
from notifier.config import NotifierSettings
from notifier.domain.subscription import Subscription
from notifier.handlers import DeliveryHandlers, SubscriptionHandlers
from notifier.sms.receipts import Receipts
from notifier.sms.smpp import SmppConnection, SmppSettings
from notifier.store import DeliveryStore, ReporterStore, SubscriptionStore
from notifier.webhooks import api as webhooks_api
from notifier.webhooks.address import parse_networks
from notifier.webhooks.handlers import WebhookHandlers
from notifier.webhooks.sender import WebhookSender
from notifier.webhooks.store import EndpointStore, WebhookDeliveryStore
from notifier.webhooks.worker import WebhookWorker
from notifier.worker import DeliveryWorker, RetryPolicy
from sharik.events.notifier import AlertIssued, NotificationSent, WebhookDelivered
from sharik.runtime import ServiceRuntime
from sharik.serving import serve

PUBLISHED = [NotificationSent.topic, AlertIssued.topic, WebhookDelivered.topic]


def create_app(
    settings: NotifierSettings | None = None,
    *,
    broker: KafkaBroker | None = None,
    mongo: AsyncMongoClient | None = None,
    senders: Mapping[str, Sender] | None = None,
):
    settings = settings or NotifierSettings()
    runtime = ServiceRuntime(settings, published=PUBLISHED, consumed=consumers.CONSUMED, broker=broker, mongo=mongo)
    key = settings.pseudonym_key.get_secret_value()

    # Messages to people: subscriptions, complaint followers, escalation recipients.
    subscription_store = SubscriptionStore(runtime.db)
    delivery_store = DeliveryStore(runtime.db)
    reporter_store = ReporterStore(runtime.db)
    runtime.relay_outbox_of(delivery_store.deliveries)
    runtime.on_startup(subscription_store.create_indexes)
    runtime.on_startup(delivery_store.create_indexes)
    runtime.on_startup(lambda: configure_escalation_recipients(subscription_store, settings))
    subscription_handlers = SubscriptionHandlers(
        subscription_store, delivery_store, pseudonym_key=key, public_url=settings.public_url,
        on_due=lambda: worker.wake(),
    )
    if senders is None:
        senders = {"email": email_sender(settings)}
        if settings.smpp_host:
            connection = SmppConnection(smpp_settings(settings), on_receipt=Receipts(delivery_store, on_saved=runtime.wake_relay))
            runtime.on_startup(delivery_store.create_part_index)
            runtime.on_startup(connection.start)
            runtime.on_shutdown(connection.stop)
            senders["sms"] = SmsSender(connection)
    worker = DeliveryWorker(
        delivery_store,
        subscription_store,
        senders,
        policy=RetryPolicy(attempts=settings.delivery_attempts, base_seconds=settings.retry_base_seconds),
        poll_seconds=settings.delivery_poll_seconds,
        concurrency=settings.delivery_concurrency,
        unsubscribe_url=subscription_handlers.unsubscribe_url,
        on_saved=runtime.wake_relay,
    )
    # After the indexes exist; stopped gracefully (sends in flight are recorded) before
    # the relay and the store connection stop.
    runtime.on_startup(worker.start)
    runtime.on_shutdown(worker.stop)
    delivery_handlers = DeliveryHandlers(subscription_store, delivery_store, reporter_store, on_due=worker.wake)

    # Public alerts and their hand-off to the operators' cell broadcast centres.
    alert_store = AlertStore(runtime.db)
    broadcast_store = BroadcastStore(runtime.db)
    runtime.relay_outbox_of(alert_store.alerts, broadcast_store.broadcasts)
    runtime.on_startup(alert_store.create_indexes)
    runtime.on_startup(broadcast_store.create_indexes)
    centres = CellBroadcastCentres(settings.cell_broadcast_centres, timeout_seconds=settings.broadcast_timeout_seconds)
    broadcaster = BroadcastWorker(
        broadcast_store,
        centres,
        policy=RetryPolicy(attempts=settings.broadcast_attempts, base_seconds=settings.broadcast_retry_base_seconds),
        poll_seconds=settings.delivery_poll_seconds,
        concurrency=settings.broadcast_concurrency,
        on_saved=runtime.wake_relay,
    )
    runtime.on_startup(broadcaster.start)
    runtime.on_shutdown(broadcaster.stop)
    alert_handlers = AlertHandlers(
        alert_store,
        broadcast_store,
        operators=centres.operators,
        sender_domain=settings.alert_sender_domain,
        pseudonym_key=key,
        tell_subscribers=delivery_handlers.alert_issued,
        on_issued=lambda: (broadcaster.wake(), runtime.wake_relay()),
    )

    # Webhooks for downstream systems.
    endpoint_store = EndpointStore(runtime.db)
    webhook_store = WebhookDeliveryStore(runtime.db)
    runtime.relay_outbox_of(webhook_store.deliveries)
    runtime.on_startup(endpoint_store.create_indexes)
    runtime.on_startup(webhook_store.create_indexes)
    allowed = parse_networks(settings.webhook_allowed_networks)
    webhook_worker = WebhookWorker(
        webhook_store,
        endpoint_store,
        WebhookSender(timeout_seconds=settings.webhook_timeout_seconds, allowed=allowed),
        schedule=settings.webhook_retry_schedule_seconds,
        poll_seconds=settings.delivery_poll_seconds,
        concurrency=settings.webhook_concurrency,
        on_saved=runtime.wake_relay,
    )
    runtime.on_startup(webhook_worker.start)
    runtime.on_shutdown(webhook_worker.stop)
    webhook_handlers = WebhookHandlers(
        endpoint_store,
        webhook_store,
        allowed=allowed,
        secret_grace=timedelta(hours=settings.webhook_secret_grace_hours),
        on_due=webhook_worker.wake,
    )

    consumers.subscribe(
        runtime.broker, group_id=runtime.group_id, handlers=delivery_handlers, webhooks=webhook_handlers
    )
    return runtime.app(
        title="Sharik notifier",
        description="Messages to the people concerned (email), public alerts handed to the operators' "
        "cell broadcast centres as CAP 1.2, and signed webhooks for downstream systems.",
        routers=[
            api.subscriptions,
            api.complaints,
            api.deliveries,
            alerts_api.alerts,
            alerts_api.public,
            webhooks_api.webhooks,
        ],
        state={
            "subscriptions": subscription_handlers,
            "deliveries": delivery_handlers,
            "alerts": alert_handlers,
            "webhooks": webhook_handlers,
        },
    )


async def configure_escalation_recipients(store: SubscriptionStore, settings: NotifierSettings) -> None:
    """Make the stored escalation recipients those configured now."""
    staff = [
        Subscription.staff(agency=None if agency == "*" else agency, level=level, address=address)
        for agency, levels in settings.escalation_recipients.items()
        for level, addresses in levels.items()
        for address in addresses
    ]
    for subscription in staff:
        await store.put_staff(subscription)
    await store.remove_staff_except({s.subscription_id for s in staff})


def smpp_settings(settings: NotifierSettings) -> SmppSettings:
    assert settings.smpp_host
    return SmppSettings(
        host=settings.smpp_host,
        port=settings.smpp_port,
        system_id=settings.smpp_system_id,
        password=settings.smpp_password.get_secret_value(),
        source_addr=settings.smpp_source_addr,
        window=settings.smpp_window,
        enquire_link_seconds=settings.smpp_enquire_link_seconds,
    )


def email_sender(settings: NotifierSettings) -> EmailSender:
    return EmailSender(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_sender,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
    )


def run() -> None:
    settings = NotifierSettings()
    serve(settings, create_app(settings))
