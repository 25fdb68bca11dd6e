//! Values for the payments module's unit tests: an authorization at the gateway (`pi_1`, 2500
//! minor units) and our payment row for it, last changed an hour ago.

use chrono::{TimeDelta, Utc};
use uuid::Uuid;

use super::records::{Payment, PaymentStatus};
use super::{Authorization, AuthorizationStatus};

pub(crate) fn authorization(
    status: AuthorizationStatus,
    captured_minor: i64,
    refunded_minor: i64,
) -> Authorization {
    Authorization {
        reference: "pi_1".into(),
        amount_minor: 2500,
        captured_minor,
        refunded_minor,
        status,
        expires_at: Utc::now() + TimeDelta::days(7),
    }
}

pub(crate) fn payment(status: PaymentStatus, captured_minor: i64, refunded_minor: i64) -> Payment {
    let id = Uuid::now_v7();
    let long_ago = Utc::now() - TimeDelta::hours(1);
    Payment {
        id,
        store_id: Uuid::now_v7(),
        order_id: Uuid::now_v7(),
        gateway: "test".into(),
        idempotency_key: format!("vitrine-authorize-{id}"),
        gateway_reference: Some("pi_1".into()),
        currency: "USD".into(),
        amount_minor: 2500,
        captured_minor,
        refunded_minor,
        status: status.as_str().into(),
        decline_code: None,
        authorization_expires_at: None,
        created_at: long_ago,
        updated_at: long_ago,
    }
}
