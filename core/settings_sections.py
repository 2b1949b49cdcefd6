"""The settings' sections: one frozen dataclass per TOML table."""
from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class WechatSettings:
    token: str
    app_id: str
    app_secret: str
    encoding_aes_key: str
    api_base_url: str
    account_type: str
    max_body_bytes: int
    reply_deadline_seconds: float
    api_timeout_seconds: float
    token_api: str = "stable"
    token_margin_seconds: int = 300
    token_lock_seconds: float = 10.0
    shed_after_seconds: float = 3.5
    inbox_drain_seconds: float = 50.0
    clock_skew_seconds: float = 60.0


@dataclasses.dataclass(frozen=True)
class DatabaseSettings:
    url: str


@dataclasses.dataclass(frozen=True)
class RedisSettings:
    url: str
    socket_timeout_seconds: float


@dataclasses.dataclass(frozen=True)
class AdminSettings:
    openids: list[str]


@dataclasses.dataclass(frozen=True)
class SchedulerSettings:
    mode: str
    timezone: str
    lock_seconds: int
    misfire_grace_seconds: int
    sweep_minutes: int
    jobs: dict[str, str]


@dataclasses.dataclass(frozen=True)
class TemplateSettings:
    template_id: str
    url: str = ""
    fields: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class PushSettings:
    rate_per_minute: int
    pool_size: int
    batch_size: int
    max_attempts: int
    backoff_seconds: list[int]
    lease_seconds: int
    drain_seconds: int
    template_value_max: int
    mass_per_month: int
    mass_per_day: int
    late_reply_template: str
    alert_template: str
    templates: dict[str, TemplateSettings]


@dataclasses.dataclass(frozen=True)
class AnnounceSettings:
    auto: bool
    mass_send: bool
    result_template: str
    subscriber_template: str


@dataclasses.dataclass(frozen=True)
class ReminderSettings:
    # The deadline itself is [campaign] filing_deadline: one deadline for the form and the reminders.
    days_before: list[int]
    template: str


@dataclasses.dataclass(frozen=True)
class AccountSettings:
    binding_code_ttl_hours: int
    binding_max_failures_per_hour: int
    dedupe_ttl_seconds: int
    user_lock_seconds: float
    touch_interval_seconds: int = 60
    follower_cache_seconds: float = 60.0


@dataclasses.dataclass(frozen=True)
class DataSettings:
    towns_file: str


@dataclasses.dataclass(frozen=True)
class ExpertSettings:
    min_answers: int
    smoothing_m: float
    weight_answers: float
    weight_rate: float
    top_n: int
    evaluate_day: int
    quarter_day: int
    fields_file: str
    month_template: str
    quarter_template: str


@dataclasses.dataclass(frozen=True)
class DialogSettings:
    draft_ttl_days: int
    idle_minutes: int
    max_tries: int


@dataclasses.dataclass(frozen=True)
class CampaignSettings:
    filing_opens: dt.date
    filing_deadline: dt.date
    activities_from: dt.date
    activities_to: dt.date


@dataclasses.dataclass(frozen=True)
class FilingSettings:
    max_activities: int
    name_max_chars: int
    location_max_chars: int
    description_min_chars: int
    description_max_chars: int
    scale_max: int
    my_filings_shown: int
    review_list_shown: int
    review_template: str


@dataclasses.dataclass(frozen=True)
class SupportSettings:
    goods_min_participants: int
    goods_ratio: float
    goods_cap: int
    linkage_cohost_min: int
    linkage_promo_min: int
    training_support_min: int


@dataclasses.dataclass(frozen=True)
class MenuButton:
    name: str
    type: str = ""
    key: str = ""
    url: str = ""
    sub_button: list[MenuButton] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class MenuSettings:
    button: list[MenuButton]


@dataclasses.dataclass(frozen=True)
class ContestSettings:
    shortlist_size: int
    winners: int
    votes_per_user_per_day: int
    votes_per_entry_per_user_per_day: int
    votes_per_entry_per_user_per_round: int
    followers_only: bool
    voting_opens_day: int
    voting_closes_day: int
    min_seconds_between_votes: float
    unsubscribe_void_hours: int
    burst_window_minutes: int
    burst_baseline_hours: int
    burst_factor: float
    burst_min_votes: int
    alert_channel: str
    alert_template: str
    judges_weight: float
    frozen_dir: str
    reply_max_bytes: int
    name_chars_in_lists: int
    read_cache_seconds: float = 2.0


@dataclasses.dataclass(frozen=True)
class SupervisorSettings:
    unfiled_shown: int
    entries_shown: int
    name_chars: int


@dataclasses.dataclass(frozen=True)
class ActivitySettings:
    """The activity loop: registration, waiting list, QR check-in, ratings, personal data."""

    page_size: int = 6
    name_min_chars: int = 2
    name_max_chars: int = 20
    comment_max_chars: int = 100
    pending_minutes: int = 30
    checkin_margin_minutes: int = 60
    default_hours: int = 3
    walk_ins: bool = True
    checkout: bool = False
    rate_days: int = 7
    remind_hours_before: int = 24
    erase_days: int = 30
    qrcode_days_after: int = 1
    comments_shown: int = 5
    roster_page_size: int = 15
    promoted_template: str = "activity_promoted"
    reminder_template: str = "activity_reminder"
    rating_template: str = "activity_rating"


@dataclasses.dataclass(frozen=True)
class ConsoleSettings:
    """The operators' web console: its key, cookie, login throttle and page limits."""

    enabled: bool
    secret_key: str
    https: bool
    session_hours: int
    max_failures_per_account: int
    max_failures_per_address: int
    lock_minutes: int
    upload_max_bytes: int
    proxy_hops: int
    rows_shown: int
