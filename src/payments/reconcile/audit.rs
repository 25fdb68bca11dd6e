//! The audit trail of reconciliation: one `reconciliation_events` row per repair and, when the
//! repair concerns a payment we have, a `reconciled_<action>` event in that payment's history,
//! both written in the transaction that records the repair.

use chrono::Utc;
use entities::reconciliation_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Mismatch;
use crate::error::Result;
use crate::payments::books::Truth;
use crate::payments::records::{self, Payment};
use crate::payments::{Authorization, AuthorizationStatus};
use crate::stores::Store;

/// One repair.
pub(super) struct Entry<'a> {
    pub store: Option<&'a Store>,
    /// The payment the authorization's key names, which may not exist.
    pub payment_id: Uuid,
    /// The payment as the repair left it, if we have it.
    pub payment: Option<&'a Payment>,
    pub mismatch: Mismatch,
    /// What was done: `stray_voided`, `stray_refunded`, `settled`, `capture`, `refund`, `void`,
    /// `status`.
    pub action: &'static str,
    /// The authorization as the gateway listed it before the repair.
    pub authorization: &'a Authorization,
    pub amount_minor: i64,
    /// What changed (`before`, `after`), merged with the gateway's side.
    pub detail: Value,
}

/// Writes the repair's audit rows.
pub(super) async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> Result<()> {
    let mut detail = entry.detail;
    detail["mismatch"] = json!(entry.mismatch.as_str());
    detail["gateway"] = gateway_side(entry.authorization);
    if let (Some(store), Some(payment)) = (entry.store, entry.payment) {
        let kind = format!("reconciled_{}", entry.action);
        records::record(
            db,
            store,
            payment,
            &kind,
            entry.amount_minor,
            detail.clone(),
        )
        .await?;
    }
    reconciliation_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(entry.store.map(|store| store.id)),
        payment_id: Set(entry.payment_id),
        mismatch: Set(entry.mismatch.as_str().into()),
        action: Set(entry.action.into()),
        gateway_reference: Set(entry.authorization.reference.clone()),
        amount_minor: Set(entry.amount_minor),
        detail: Set(detail),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A payment's status and amounts, for `before` and `after`.
pub(super) fn side(truth: Truth) -> Value {
    json!({
        "status": truth.status.as_str(),
        "captured_minor": truth.captured_minor,
        "refunded_minor": truth.refunded_minor,
    })
}

fn gateway_side(authorization: &Authorization) -> Value {
    let status = match authorization.status {
        AuthorizationStatus::Authorized => "authorized",
        AuthorizationStatus::Captured => "captured",
        AuthorizationStatus::Voided => "voided",
    };
    json!({
        "reference": authorization.reference,
        "status": status,
        "amount_minor": authorization.amount_minor,
        "captured_minor": authorization.captured_minor,
        "refunded_minor": authorization.refunded_minor,
    })
}
