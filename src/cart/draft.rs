//! A cart being edited (`Draft`): its lines in memory, changed by the edit's input, then saved:
//! the merchandise the input named is checked, the cart is made to hold what its lines want, lines
//! are clamped to what it could hold (latest asks first, each cut reported as a warning), and the
//! lines and the cart are written.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entities::{cart_line, prelude::*};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::edit::{Edited, StockWarning, StockWarningCode, Target};
use super::input::{
    BuyerIdentityChange, LineChange, NewLine, check_attributes, check_email, check_note,
    check_quantity, normalize_codes,
};
use super::{
    Attribute, BuyerIdentity, Cart, Lifetimes, Line, MAX_LINE_QUANTITY, MAX_LINES, Status,
    attributes_of, holds, merge, read,
};
use crate::catalog::product_read;
use crate::error::{AppError, InputErrorCode, Result};
use crate::stores::Store;

/// A line as the edit leaves it.
#[derive(Debug, Clone)]
pub(super) struct DraftLine {
    pub id: Uuid,
    pub variant_id: Uuid,
    pub quantity: i64,
    pub attributes: Vec<Attribute>,
    /// The line as stored before the edit; `None` for a new line.
    pub stored: Option<Line>,
    /// When this edit asked for the line (later asks are clamped first).
    pub asked: Option<usize>,
    /// The input that named this line's variant, to be checked.
    pub named_by: Option<Vec<String>>,
}

/// A cart being edited: locked, with its lines in memory.
pub(super) struct Draft<'a> {
    store: &'a Store,
    pub cart: Cart,
    pub lines: Vec<DraftLine>,
    asks: usize,
    /// Warnings raised while changing the lines, before any stock was held (merge caps).
    notes: Vec<StockWarning>,
}

impl<'a> Draft<'a> {
    pub(super) fn new(store: &'a Store, cart: Cart, stored: Vec<Line>) -> Self {
        let lines = stored
            .into_iter()
            .map(|line| DraftLine {
                id: line.id,
                variant_id: line.variant_id,
                quantity: i64::from(line.quantity),
                attributes: attributes_of(&line.attributes),
                stored: Some(line),
                asked: None,
                named_by: None,
            })
            .collect();
        Draft {
            store,
            cart,
            lines,
            asks: 0,
            notes: Vec::new(),
        }
    }

    /// Locks the open cart with this token and reads its lines. An unknown, expired, completed
    /// or other store's cart is the same input error.
    pub(super) async fn open(
        db: &impl ConnectionTrait,
        store: &'a Store,
        token: &str,
    ) -> Result<Self> {
        let Some(cart) = read::lock_open(db, store, token).await? else {
            return Err(closed_or_missing(db, store, token).await?);
        };
        let lines = read::lines_of(db, store, cart.id).await?;
        Ok(Draft::new(store, cart, lines))
    }

    fn next_ask(&mut self) -> usize {
        self.asks += 1;
        self.asks
    }

    pub(super) fn add(&mut self, lines: Vec<NewLine>, path: &[String]) -> Result<()> {
        for (index, line) in lines.into_iter().enumerate() {
            let at: Vec<String> = [path, &[index.to_string()]].concat();
            check_quantity(line.quantity, &strs(&at, "quantity"))?;
            check_attributes(&line.attributes, &strs(&at, "attributes"))?;
            if line.quantity == 0 {
                continue;
            }
            let ask = self.next_ask();
            match same_line(&mut self.lines, line.variant_id, &line.attributes) {
                Some(existing) => {
                    existing.quantity += line.quantity;
                    if existing.quantity > MAX_LINE_QUANTITY {
                        return Err(AppError::invalid(
                            &strs(&at, "quantity"),
                            InputErrorCode::LessThanOrEqualTo,
                            format!("a line holds at most {MAX_LINE_QUANTITY} units"),
                        ));
                    }
                    existing.asked = Some(ask);
                }
                None => self.lines.push(DraftLine {
                    id: Uuid::now_v7(),
                    variant_id: line.variant_id,
                    quantity: line.quantity,
                    attributes: line.attributes,
                    stored: None,
                    asked: Some(ask),
                    named_by: Some([&at[..], &["merchandiseId".to_string()]].concat()),
                }),
            }
        }
        Ok(())
    }

    pub(super) fn update(&mut self, changes: Vec<LineChange>) -> Result<()> {
        for (index, change) in changes.into_iter().enumerate() {
            let at = vec!["lines".to_string(), index.to_string()];
            if let Some(quantity) = change.quantity {
                check_quantity(quantity, &strs(&at, "quantity"))?;
            }
            if let Some(attributes) = &change.attributes {
                check_attributes(attributes, &strs(&at, "attributes"))?;
            }
            let ask = self.next_ask();
            let line = self.line_mut(change.line_id, &strs(&at, "id"))?;
            if let Some(variant_id) = change.variant_id
                && variant_id != line.variant_id
            {
                line.variant_id = variant_id;
                line.named_by = Some(
                    strs(&at, "merchandiseId")
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                );
            }
            if let Some(quantity) = change.quantity {
                line.quantity = quantity;
            }
            if let Some(attributes) = change.attributes {
                line.attributes = attributes;
            }
            line.asked = Some(ask);
        }
        Ok(())
    }

    pub(super) fn remove(&mut self, line_ids: &[Uuid]) -> Result<()> {
        for (index, id) in line_ids.iter().enumerate() {
            self.line_mut(*id, &["lineIds", &index.to_string()])?
                .quantity = 0;
        }
        Ok(())
    }

    fn line_mut(&mut self, id: Uuid, path: &[&str]) -> Result<&mut DraftLine> {
        self.lines
            .iter_mut()
            .find(|line| line.id == id)
            .ok_or_else(|| unknown_line(path))
    }

    pub(super) fn set_note(&mut self, note: String, path: &[String]) -> Result<()> {
        check_note(&note, &strs(path, ""))?;
        self.cart.note = note;
        Ok(())
    }

    pub(super) fn set_attributes(
        &mut self,
        attributes: Vec<Attribute>,
        path: &[String],
    ) -> Result<()> {
        check_attributes(&attributes, &strs(path, ""))?;
        self.cart.attributes = json!(attributes);
        Ok(())
    }

    pub(super) fn set_discount_codes(&mut self, codes: &[String], path: &[String]) -> Result<()> {
        let codes = normalize_codes(codes, &strs(path, ""))?;
        self.cart.discount_codes = json!(codes);
        Ok(())
    }

    pub(super) async fn set_buyer_identity(
        &mut self,
        db: &impl ConnectionTrait,
        change: BuyerIdentityChange,
        path: &[String],
    ) -> Result<()> {
        let mut identity = BuyerIdentity::of(&self.cart);
        if let Some(email) = change.email {
            let email = email.trim().to_string();
            if !email.is_empty() {
                check_email(&email, &strs(path, "email"))?;
            }
            identity.email = Some(email).filter(|e| !e.is_empty());
        }
        if let Some(phone) = change.phone {
            identity.phone = Some(phone.trim().to_string()).filter(|p| !p.is_empty());
        }
        if let Some(country) = change.country_code {
            identity.country_code = Some(country.to_uppercase());
        }
        self.cart.buyer_identity = json!(identity);
        if let Some(customer_id) = change.customer_id
            && self.cart.customer_id != Some(customer_id)
        {
            self.cart.customer_id = Some(customer_id);
            merge::absorb_customer_carts(db, self, customer_id).await?;
        }
        Ok(())
    }

    pub(super) fn store(&self) -> &Store {
        self.store
    }

    /// Appends lines moved in from another cart, as asked for by this edit.
    pub(super) fn take_lines(&mut self, lines: Vec<Line>) {
        for line in lines {
            let ask = self.next_ask();
            let attributes = attributes_of(&line.attributes);
            let quantity = i64::from(line.quantity);
            if let Some(existing) = same_line(&mut self.lines, line.variant_id, &attributes) {
                let summed = existing.quantity + quantity;
                existing.quantity = std::cmp::min(summed, MAX_LINE_QUANTITY);
                existing.asked = Some(ask);
                if summed > MAX_LINE_QUANTITY {
                    self.notes.push(StockWarning {
                        code: StockWarningCode::NotEnoughStock,
                        target: Target::Line(existing.id),
                        message: format!("a line holds at most {MAX_LINE_QUANTITY} units"),
                    });
                }
                continue;
            }
            let live = self.lines.iter().filter(|l| l.quantity > 0).count();
            if live >= MAX_LINES {
                self.notes.push(StockWarning {
                    code: StockWarningCode::OutOfStock,
                    target: Target::Variant(line.variant_id),
                    message: format!("a cart holds at most {MAX_LINES} lines"),
                });
                continue;
            }
            self.lines.push(DraftLine {
                id: Uuid::now_v7(),
                variant_id: line.variant_id,
                quantity,
                attributes,
                stored: None,
                asked: Some(ask),
                named_by: None,
            });
        }
    }

    /// Checks the merchandise the input named, holds the stock the lines want, clamps lines to
    /// it, writes the lines and touches the cart.
    pub(super) async fn save(mut self, db: &impl ConnectionTrait) -> Result<Edited> {
        let live = self.lines.iter().filter(|line| line.quantity > 0).count();
        if live > MAX_LINES {
            return Err(AppError::invalid(
                &["lines"],
                InputErrorCode::TooMany,
                format!("a cart holds at most {MAX_LINES} lines"),
            ));
        }
        self.check_merchandise(db).await?;
        let now = Utc::now();
        let lifetimes = Lifetimes::of(self.store);
        self.cart.expires_at = lifetimes.cart_expiry(now, self.cart.customer_id);
        let hold_expires_at = lifetimes.hold_expiry(now, self.cart.expires_at);
        let mut wanted: BTreeMap<Uuid, i64> = BTreeMap::new();
        for line in self.lines.iter().filter(|line| line.quantity > 0) {
            *wanted.entry(line.variant_id).or_default() += line.quantity;
        }
        let held = holds::reconcile(db, self.store, &self.cart, &wanted, hold_expires_at).await?;
        let mut warnings = std::mem::take(&mut self.notes);
        warnings.extend(self.clamp(&wanted, &held));
        let lines = self.write_lines(db, now).await?;
        let mut cart = self.cart.into_active_model();
        cart.updated_at = Set(now);
        let cart = cart.reset_all().update(db).await?;
        Ok(Edited {
            cart,
            lines,
            warnings,
        })
    }

    /// Unknown variants, or variants of products shoppers cannot see, are refused.
    async fn check_merchandise(&self, db: &impl ConnectionTrait) -> Result<()> {
        let named: Vec<&DraftLine> = self
            .lines
            .iter()
            .filter(|line| line.named_by.is_some() && line.quantity > 0)
            .collect();
        if named.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = named.iter().map(|line| line.variant_id).collect();
        let sellable = product_read::sellable_variant_ids(db, self.store, &ids).await?;
        for line in named {
            if !sellable.contains(&line.variant_id) {
                let path: Vec<&str> = line.named_by.iter().flatten().map(String::as_str).collect();
                return Err(AppError::invalid(
                    &path,
                    InputErrorCode::Invalid,
                    "the merchandise does not exist or is not for sale",
                ));
            }
        }
        Ok(())
    }

    /// Takes units the cart could not hold off its lines, the latest asks first, and says so.
    fn clamp(
        &mut self,
        wanted: &BTreeMap<Uuid, i64>,
        held: &BTreeMap<Uuid, i64>,
    ) -> Vec<StockWarning> {
        let mut warnings = Vec::new();
        for (variant_id, want) in wanted {
            let mut short = want - held.get(variant_id).copied().unwrap_or(0);
            if short <= 0 {
                continue;
            }
            let mut order: Vec<usize> = (0..self.lines.len())
                .filter(|&i| self.lines[i].variant_id == *variant_id && self.lines[i].quantity > 0)
                .collect();
            order.sort_by_key(|&i| std::cmp::Reverse((self.lines[i].asked, i)));
            for index in order {
                if short == 0 {
                    break;
                }
                let line = &mut self.lines[index];
                let cut = std::cmp::min(short, line.quantity);
                line.quantity -= cut;
                short -= cut;
                warnings.push(stock_warning(line, cut));
            }
        }
        warnings
    }

    async fn write_lines(
        &mut self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<Vec<Line>> {
        let mut kept = Vec::new();
        for line in &self.lines {
            match (&line.stored, line.quantity) {
                (Some(stored), 0) => {
                    CartLine::delete_by_id(stored.id).exec(db).await?;
                }
                (None, 0) => {}
                (Some(stored), quantity) => {
                    let attributes = json!(line.attributes);
                    if i64::from(stored.quantity) == quantity
                        && stored.variant_id == line.variant_id
                        && stored.attributes == attributes
                    {
                        kept.push(stored.clone());
                        continue;
                    }
                    let updated = cart_line::ActiveModel {
                        id: Set(stored.id),
                        variant_id: Set(line.variant_id),
                        quantity: Set(stored_quantity(quantity)?),
                        attributes: Set(attributes),
                        updated_at: Set(now),
                        ..Default::default()
                    }
                    .update(db)
                    .await?;
                    kept.push(updated);
                }
                (None, quantity) => {
                    let inserted = cart_line::ActiveModel {
                        id: Set(line.id),
                        store_id: Set(self.store.id),
                        cart_id: Set(self.cart.id),
                        variant_id: Set(line.variant_id),
                        quantity: Set(stored_quantity(quantity)?),
                        attributes: Set(json!(line.attributes)),
                        created_at: Set(now),
                        updated_at: Set(now),
                    }
                    .insert(db)
                    .await?;
                    kept.push(inserted);
                }
            }
        }
        Ok(kept)
    }
}

/// The line an added line of `variant_id` with these attributes joins: same variant, same
/// attributes.
fn same_line<'l>(
    lines: &'l mut [DraftLine],
    variant_id: Uuid,
    attributes: &[Attribute],
) -> Option<&'l mut DraftLine> {
    lines
        .iter_mut()
        .find(|line| line.variant_id == variant_id && line.attributes == attributes)
}

fn stock_warning(line: &DraftLine, cut: i64) -> StockWarning {
    let left = line.quantity;
    let target = if left > 0 {
        Target::Line(line.id)
    } else {
        Target::Variant(line.variant_id)
    };
    if left > 0 {
        StockWarning {
            code: StockWarningCode::NotEnoughStock,
            target,
            message: format!("only {left} of {} units are available", left + cut),
        }
    } else {
        StockWarning {
            code: StockWarningCode::OutOfStock,
            target,
            message: "the merchandise is out of stock".into(),
        }
    }
}

/// A line quantity as stored; the caps keep it far below `i32::MAX`.
fn stored_quantity(quantity: i64) -> Result<i32> {
    i32::try_from(quantity)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("line quantity {quantity} out of range")))
}

fn unknown_line(path: &[&str]) -> AppError {
    AppError::invalid(
        path,
        InputErrorCode::NotFound,
        "the cart has no line with this id",
    )
}

/// `path` followed by `last` (when not empty), as the `&str`s error paths take.
fn strs<'p>(path: &'p [String], last: &'p str) -> Vec<&'p str> {
    let mut parts: Vec<&str> = path.iter().map(String::as_str).collect();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}

/// Why no open cart has this token: it was (or is being) checked out, or there is none.
async fn closed_or_missing(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
) -> Result<AppError> {
    let cart = read::find_any(db, store, token).await?;
    let status = cart.as_ref().map(super::checkout::status_of);
    Ok(match status {
        Some(Status::Completing | Status::Completed) => AppError::invalid(
            &["cartId"],
            InputErrorCode::IllegalTransition,
            "the cart was checked out (or is being checked out) and can't change",
        ),
        _ => AppError::invalid(
            &["cartId"],
            InputErrorCode::Invalid,
            "the specified cart does not exist",
        ),
    })
}
