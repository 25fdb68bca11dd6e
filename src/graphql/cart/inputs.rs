//! The cart mutations' input objects, as Shopify names them, and their decoding into the cart
//! domain's inputs: a malformed merchandise ID is an `INVALID` input error on its field, a
//! malformed line ID an unknown line.

use async_graphql::{ID, InputObject};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::cart::Attribute;
use crate::cart::input::{BuyerIdentityChange, LineChange, NewCart, NewLine};
use crate::error::{AppError, InputErrorCode, Result};
use crate::graphql::scalars::CountryCode;
use crate::ids::{self, GidKind};
use crate::stores::Store;

/// A key and value for a cart or line.
#[derive(InputObject, Clone)]
pub struct AttributeInput {
    /// The attribute's key.
    pub key: String,
    /// The attribute's value.
    pub value: String,
}

/// A line to add.
#[derive(InputObject, Clone)]
pub struct CartLineInput {
    /// The line's attributes.
    pub attributes: Option<Vec<AttributeInput>>,
    /// The variant to add.
    pub merchandise_id: ID,
    /// Units to add.
    #[graphql(default = 1)]
    pub quantity: Option<i32>,
}

/// A change to a line.
#[derive(InputObject, Clone)]
pub struct CartLineUpdateInput {
    /// The line's new attributes.
    pub attributes: Option<Vec<AttributeInput>>,
    /// The line to change.
    pub id: ID,
    /// Another variant for the line.
    pub merchandise_id: Option<ID>,
    /// The line's new quantity; 0 removes it.
    pub quantity: Option<i32>,
}

/// Who is buying.
#[derive(InputObject, Clone, Default)]
pub struct CartBuyerIdentityInput {
    /// The buyer's country.
    pub country_code: Option<CountryCode>,
    /// A customer access token: the cart becomes the customer's, and their open cart merges in.
    pub customer_access_token: Option<String>,
    /// The buyer's email address.
    pub email: Option<String>,
    /// The buyer's phone number.
    pub phone: Option<String>,
}

/// What a new cart starts with.
#[derive(InputObject, Clone, Default)]
pub struct CartInput {
    /// The cart's attributes.
    pub attributes: Option<Vec<AttributeInput>>,
    /// Who is buying.
    pub buyer_identity: Option<CartBuyerIdentityInput>,
    /// Discount codes.
    pub discount_codes: Option<Vec<String>>,
    /// Lines to add.
    pub lines: Option<Vec<CartLineInput>>,
    /// A note.
    pub note: Option<String>,
}

pub fn attributes(input: Option<Vec<AttributeInput>>) -> Option<Vec<Attribute>> {
    input.map(|list| {
        list.into_iter()
            .map(|a| Attribute {
                key: a.key,
                value: a.value,
            })
            .collect()
    })
}

fn merchandise(id: &ID, path: &[&str]) -> Result<Uuid> {
    ids::decode(GidKind::ProductVariant, id).ok_or_else(|| {
        AppError::invalid(
            path,
            InputErrorCode::Invalid,
            "the merchandise does not exist or is not for sale",
        )
    })
}

/// A line ID of this API; an ID of anything else names no line.
pub fn line_id(id: &ID, path: &[&str]) -> Result<Uuid> {
    ids::decode(GidKind::CartLine, id).ok_or_else(|| {
        AppError::invalid(
            path,
            InputErrorCode::NotFound,
            "the cart has no line with this id",
        )
    })
}

pub fn new_lines(lines: Vec<CartLineInput>, path: &[&str]) -> Result<Vec<NewLine>> {
    lines
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            let index = index.to_string();
            Ok(NewLine {
                variant_id: merchandise(
                    &line.merchandise_id,
                    &[path, &[&index, "merchandiseId"]].concat(),
                )?,
                quantity: i64::from(line.quantity.unwrap_or(1)),
                attributes: attributes(line.attributes).unwrap_or_default(),
            })
        })
        .collect()
}

pub fn line_changes(lines: Vec<CartLineUpdateInput>) -> Result<Vec<LineChange>> {
    lines
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            let index = index.to_string();
            Ok(LineChange {
                line_id: line_id(&line.id, &["lines", &index, "id"])?,
                variant_id: line
                    .merchandise_id
                    .map(|id| merchandise(&id, &["lines", &index, "merchandiseId"]))
                    .transpose()?,
                quantity: line.quantity.map(i64::from),
                attributes: attributes(line.attributes),
            })
        })
        .collect()
}

/// The buyer identity, with the customer its access token names (an unknown or expired token is
/// an input error).
pub async fn buyer_identity(
    db: &impl ConnectionTrait,
    store: &Store,
    input: CartBuyerIdentityInput,
    path: &[&str],
) -> Result<BuyerIdentityChange> {
    let customer_id = match input.customer_access_token {
        Some(token) => Some(
            crate::customers::by_access_token(db, store, &token)
                .await?
                .ok_or_else(|| {
                    AppError::invalid(
                        &[path, &["customerAccessToken"]].concat(),
                        InputErrorCode::Invalid,
                        "the customer access token is not valid",
                    )
                })?
                .id,
        ),
        None => None,
    };
    Ok(BuyerIdentityChange {
        country_code: input.country_code.map(|c| c.0),
        email: input.email,
        phone: input.phone,
        customer_id,
    })
}

/// A whole `CartInput`.
pub async fn new_cart(
    db: &impl ConnectionTrait,
    store: &Store,
    input: CartInput,
) -> Result<NewCart> {
    let buyer_identity = match input.buyer_identity {
        Some(identity) => {
            Some(buyer_identity(db, store, identity, &["input", "buyerIdentity"]).await?)
        }
        None => None,
    };
    Ok(NewCart {
        lines: new_lines(input.lines.unwrap_or_default(), &["input", "lines"])?,
        buyer_identity,
        attributes: attributes(input.attributes),
        note: input.note,
        discount_codes: input.discount_codes,
    })
}
