"""Use cases of public alerts: authorities draft, approve, issue, update and cancel;
issuing hands the CAP document to every configured operator; the platform's operators
retry a failed hand-off."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from ulid import ULID

from notifier.alerts import cap
from notifier.alerts.alert import Alert, Content, MsgType
from notifier.alerts.broadcast import Broadcast
from notifier.alerts.store import AlertStore, BroadcastStore
from notifier.domain.messages import AlertNotice, Text
from notifier.worker import SOURCE
from sharik.auth import Principal
from sharik.errors import Forbidden, NotFound
from sharik.events import Envelope, LocalizedText
from sharik.events.notifier import AlertCancelled, AlertIssued, AlertUpdated
from sharik.pseudonym import pseudonym

ROLE = "alert_authority"
EVENTS = {"Alert": AlertIssued, "Update": AlertUpdated, "Cancel": AlertCancelled}


class AlertHandlers:
    def __init__(
        self,
        alerts: AlertStore,
        broadcasts: BroadcastStore,
        *,
        operators: tuple[str, ...],
        sender_domain: str,
        pseudonym_key: str,
        tell_subscribers: Callable[[Envelope, AlertNotice, frozenset[str]], Awaitable[None]],
        on_issued: Callable[[], None] = lambda: None,
    ) -> None:
        self._tell_subscribers = tell_subscribers
        self._alerts = alerts
        self._broadcasts = broadcasts
        self._operators = operators
        self._sender_domain = sender_domain
        self._key = pseudonym_key
        self._on_issued = on_issued

    async def draft(self, content: Content, *, by: Principal) -> Alert:
        agency = self._authority(by)
        return await self._alerts.add(self._new(content, agency=agency, by=by))

    async def follow_up(self, alert_id: str, content: Content, msg_type: MsgType, *, by: Principal) -> Alert:
        """A draft updating or cancelling an issued alert of the caller's agency."""
        agency = self._authority(by)
        earlier = await self._own(alert_id, agency)
        return await self._alerts.add(self._new(content, agency=agency, by=by, follows=earlier, msg_type=msg_type))

    async def approve(self, alert_id: str, *, by: Principal) -> Alert:
        alert = await self._own(alert_id, self._authority(by))
        return await self._alerts.save(alert.approve(by=self._pseudonym(by), now=datetime.now(UTC)), [])

    async def issue(self, alert_id: str, *, by: Principal) -> Alert:
        """Issue the alert and hand it to every operator. Issuing an issued alert again
        only adds hand-offs that are missing (after a crash between the two writes)."""
        alert = await self._own(alert_id, self._authority(by))
        if alert.state != "issued":
            alert = alert.issue(now=datetime.now(UTC))
            document = cap.render(alert).decode()
            event = self._event(alert)
            alert = await self._alerts.save(alert, [event], cap=document)
            if alert.content.status == "Actual":
                # After the hand-offs' insert below is the CBC's turn; the subscribers'
                # messages are deliveries of their own, idempotent by the event's id.
                await self._tell_subscribers(event, _notice(alert), alert.content.area.wilayats())
        else:
            document = await self._alerts.cap_of(alert_id)
        now = datetime.now(UTC)
        await self._broadcasts.add_new(
            [
                Broadcast.due(
                    alert_id=alert.alert_id, agency=alert.agency, operator=operator, document=document,
                    correlation_id=alert.chain_id, now=now,
                )
                for operator in self._operators
            ]
        )
        self._on_issued()
        return alert

    async def get(self, alert_id: str, *, by: Principal) -> Alert:
        return await self._own(alert_id, self._authority(by))

    async def of_agency(self, *, by: Principal, limit: int) -> list[Alert]:
        return await self._alerts.of_agency(self._authority(by), limit=limit)

    async def broadcasts(self, alert_id: str, *, by: Principal) -> list[Broadcast]:
        """Each operator's hand-off: the alert's authorities and the platform's operators see them."""
        if not by.has("operator"):
            await self._own(alert_id, self._authority(by))
        return await self._broadcasts.of_alert(alert_id)

    async def retry_broadcast(self, alert_id: str, operator: str, *, by: Principal) -> Broadcast:
        by.require("operator")
        broadcast = await self._broadcasts.get(f"{alert_id}:{operator}")
        saved = await self._broadcasts.save(broadcast.retried(now=datetime.now(UTC)), [])
        self._on_issued()
        return saved

    async def public(self, *, limit: int) -> list[tuple[Alert, str]]:
        """Issued real alerts (no exercises or tests), newest first, with their CAP documents."""
        return await self._alerts.issued(limit=limit)

    async def cap_of(self, alert_id: str) -> str:
        alert = await self._alerts.get(alert_id)
        if alert.content.status != "Actual":
            raise NotFound(f"no issued alert {alert_id}")
        return await self._alerts.cap_of(alert_id)

    def _new(
        self, content: Content, *, agency: str, by: Principal, follows: Alert | None = None, msg_type: MsgType = "Alert"
    ) -> Alert:
        return Alert.draft(
            alert_id=str(ULID()),
            agency=agency,
            sender=f"{agency}@{self._sender_domain}",
            content=content,
            drafted_by=self._pseudonym(by),
            now=datetime.now(UTC),
            follows=follows,
            msg_type=msg_type,
        )

    async def _own(self, alert_id: str, agency: str) -> Alert:
        alert = await self._alerts.get(alert_id)
        if alert.agency != agency:
            raise NotFound(f"no alert {alert_id}")
        return alert

    def _authority(self, by: Principal) -> str:
        """The caller's agency, if they are one of its alert authorities."""
        by.require(ROLE)
        if not by.agency:
            raise Forbidden("an alert authority acts for an agency; the token names none")
        return by.agency

    def _pseudonym(self, by: Principal) -> str:
        return pseudonym(self._key, by.subject, purpose="alert_authority")

    def _event(self, alert: Alert) -> Envelope:
        content = alert.content
        infos = {i.language: i for i in content.infos}
        event = EVENTS[alert.msg_type](
            alert_id=alert.alert_id,
            agency=alert.agency,
            identifier=alert.identifier,
            sender=alert.sender,
            sent=alert.sent,
            status=content.status,
            references=tuple(r.alert_id for r in alert.references),
            categories=content.categories,
            urgency=content.urgency,
            severity=content.severity,
            certainty=content.certainty,
            headline=LocalizedText(ar=infos["ar"].headline, en=infos["en"].headline),
            onset=content.onset,
            expires=content.expires,
            geocodes=tuple(f"{g.name}:{g.value}" for g in content.area.geocodes),
            polygons=len(content.area.polygons),
            circles=len(content.area.circles),
            operators=self._operators,
        )
        return Envelope(event=event, source=SOURCE, agency=alert.agency, correlation_id=alert.chain_id)



def _notice(alert: Alert) -> AlertNotice:
    infos = {i.language: i for i in alert.content.infos}

    def text(field: str) -> Text:
        return Text(ar=getattr(infos["ar"], field), en=getattr(infos["en"], field))

    return AlertNotice(headline=text("headline"), description=text("description"), instruction=text("instruction"))
