//! Every change to a cart: lock the cart, change its lines in memory (`Draft`), check the
//! merchandise the input named, make the cart hold what its lines want (`holds::reconcile`), clamp
//! the lines where stock was short, then write the lines and touch the cart. The caller's
//! transaction makes it all or nothing: an input error writes nothing.

use chrono::Utc;
use entities::cart;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::json;
use uuid::Uuid;

use super::draft::Draft;
use super::input::{BuyerIdentityChange, LineChange, NewCart, NewLine};
use super::{Attribute, Cart, Lifetimes, Line, Status};
use crate::error::Result;
use crate::stores::{self, Store};

/// Why a line holds fewer units than asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockWarningCode {
    /// Some units were free, fewer than asked for.
    NotEnoughStock,
    /// No unit was free.
    OutOfStock,
}

/// What a warning is about: a line of the cart, or a variant that could not become a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Line(Uuid),
    Variant(Uuid),
}

/// A line clamped to what stock allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockWarning {
    pub code: StockWarningCode,
    pub target: Target,
    pub message: String,
}

/// A cart after an edit, with its lines and the warnings of the edit.
#[derive(Debug, Clone)]
pub struct Edited {
    pub cart: Cart,
    pub lines: Vec<Line>,
    pub warnings: Vec<StockWarning>,
}

/// Creates a cart with whatever the input starts it with.
pub async fn create(db: &impl ConnectionTrait, store: &Store, input: NewCart) -> Result<Edited> {
    let now = Utc::now();
    let lifetimes = Lifetimes::of(store);
    let model = cart::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        // Hex without `/`, so Hydrogen's cart cookie keeps the whole token.
        token: Set(stores::new_secret()),
        customer_id: Set(None),
        buyer_identity: Set(json!({})),
        note: Set(String::new()),
        attributes: Set(json!([])),
        discount_codes: Set(json!([])),
        status: Set(Status::Open.as_str().into()),
        expires_at: Set(lifetimes.cart_expiry(now, None)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let mut draft = Draft::new(store, model, Vec::new());
    let at = |field: &str| vec!["input".to_string(), field.to_string()];
    if let Some(note) = input.note {
        draft.set_note(note, &at("note"))?;
    }
    if let Some(attributes) = input.attributes {
        draft.set_attributes(attributes, &at("attributes"))?;
    }
    if let Some(codes) = input.discount_codes {
        draft.set_discount_codes(&codes, &at("discountCodes"))?;
    }
    if let Some(identity) = input.buyer_identity {
        draft
            .set_buyer_identity(db, identity, &at("buyerIdentity"))
            .await?;
    }
    draft.add(input.lines, &at("lines"))?;
    draft.save(db).await
}

/// Adds lines; a line of a variant already in the cart with the same attributes grows instead.
pub async fn add_lines(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
    lines: Vec<NewLine>,
) -> Result<Edited> {
    let mut draft = Draft::open(db, store, token).await?;
    draft.add(lines, &["lines".to_string()])?;
    draft.save(db).await
}

/// Changes lines' quantities, variants or attributes; quantity 0 removes a line.
pub async fn update_lines(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
    changes: Vec<LineChange>,
) -> Result<Edited> {
    let mut draft = Draft::open(db, store, token).await?;
    draft.update(changes)?;
    draft.save(db).await
}

/// Removes lines.
pub async fn remove_lines(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
    line_ids: &[Uuid],
) -> Result<Edited> {
    let mut draft = Draft::open(db, store, token).await?;
    draft.remove(line_ids)?;
    draft.save(db).await
}

/// Replaces the note.
pub async fn set_note(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
    note: String,
) -> Result<Edited> {
    let mut draft = Draft::open(db, store, token).await?;
    draft.set_note(note, &["note".to_string()])?;
    draft.save(db).await
}

/// Replaces the attributes.
pub async fn set_attributes(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
    attributes: Vec<Attribute>,
) -> Result<Edited> {
    let mut draft = Draft::open(db, store, token).await?;
    draft.set_attributes(attributes, &["attributes".to_string()])?;
    draft.save(db).await
}

/// Replaces the discount codes.
pub async fn set_discount_codes(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
    codes: &[String],
) -> Result<Edited> {
    let mut draft = Draft::open(db, store, token).await?;
    draft.set_discount_codes(codes, &["discountCodes".to_string()])?;
    draft.save(db).await
}

/// Updates who is buying. Naming a customer merges that customer's other open cart into this one.
pub async fn set_buyer_identity(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
    identity: BuyerIdentityChange,
) -> Result<Edited> {
    let mut draft = Draft::open(db, store, token).await?;
    draft
        .set_buyer_identity(db, identity, &["buyerIdentity".to_string()])
        .await?;
    draft.save(db).await
}
