//! `Cart`, its cost and buyer identity. A cart reads its lines once per request (or takes them
//! from the edit that returned it) and its variants through the request's loaders, prefetched for
//! the selection of `merchandise`.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::product_variant;
use std::collections::HashMap;
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::line::{BaseCartLine, CartLine};
use crate::cart::{self, Line, read};
use crate::graphql::catalog::prefetch;
use crate::graphql::context;
use crate::graphql::errors::GqlResult;
use crate::graphql::loaders::present;
use crate::graphql::money::MoneyV2;
use crate::graphql::pagination::{PageArgs, page_cost, page_of_vec};
use crate::graphql::scalars::{CountryCode, Url};

/// The prefix of cart IDs; the rest is the cart's token.
pub const CART_GID_PREFIX: &str = "gid://shopify/Cart/";

/// The token of a cart ID (`gid://shopify/Cart/<token>`, optionally with a `?key=` suffix).
pub fn token_of(id: &str) -> Option<&str> {
    let token = id.strip_prefix(CART_GID_PREFIX)?.split('?').next()?;
    let plausible =
        !token.is_empty() && token.len() <= 64 && token.bytes().all(|b| b.is_ascii_alphanumeric());
    plausible.then_some(token)
}

/// A cart as the API shows it.
pub struct Cart {
    model: cart::Cart,
    lines: OnceCell<Vec<Line>>,
}

/// A line with the variant it sells, for costs.
type Priced = (Line, product_variant::Model);

impl Cart {
    pub fn new(model: cart::Cart) -> Self {
        Cart {
            model,
            lines: OnceCell::new(),
        }
    }

    /// A cart whose lines the edit that returned it already knows.
    pub fn with_lines(model: cart::Cart, lines: Vec<Line>) -> Self {
        Cart {
            model,
            lines: OnceCell::new_with(Some(lines)),
        }
    }

    async fn line_models(&self, ctx: &Context<'_>) -> async_graphql::Result<&Vec<Line>> {
        self.lines
            .get_or_try_init(|| async {
                read::lines_of(context::db(ctx), context::store(ctx), self.model.id)
                    .await
                    .gql()
            })
            .await
    }

    /// Each line with its variant (lines whose variant is gone are left out).
    async fn priced(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Priced>> {
        let lines = self.line_models(ctx).await?;
        let ids: Vec<Uuid> = lines.iter().map(|l| l.variant_id).collect();
        let variants: HashMap<Uuid, product_variant::Model> =
            present(context::loaders(ctx).variant_by_id.load_many(ids).await?);
        Ok(lines
            .iter()
            .filter_map(|line| {
                let variant = variants.get(&line.variant_id)?;
                Some((line.clone(), variant.clone()))
            })
            .collect())
    }

    fn subtotal(priced: &[Priced]) -> i64 {
        priced
            .iter()
            .map(|(line, variant)| variant.price_minor * i64::from(line.quantity))
            .sum()
    }
}

#[Object]
impl Cart {
    /// The cart's ID, `gid://shopify/Cart/<token>`.
    async fn id(&self) -> ID {
        ID(format!("{CART_GID_PREFIX}{}", self.model.token))
    }
    /// Where the shopper pays: the hosted checkout on the store's domain.
    async fn checkout_url(&self, ctx: &Context<'_>) -> Url {
        let domain = &context::store(ctx).domain;
        Url(format!("https://{domain}/checkouts/{}", self.model.token))
    }
    /// Units in the cart, over all lines.
    async fn total_quantity(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let lines = self.line_models(ctx).await?;
        Ok(lines.iter().map(|line| line.quantity).sum())
    }
    /// The shopper's note.
    async fn note(&self) -> Option<String> {
        Some(self.model.note.clone())
    }
    /// The cart's attributes.
    async fn attributes(&self) -> Vec<Attribute> {
        attributes(&self.model.attributes)
    }
    /// One attribute by key.
    async fn attribute(&self, key: String) -> Option<Attribute> {
        attributes(&self.model.attributes)
            .into_iter()
            .find(|a| a.key == key)
    }
    /// The discount codes entered; none applies yet.
    async fn discount_codes(&self) -> Vec<CartDiscountCode> {
        cart::discount_codes_of(&self.model)
            .into_iter()
            .map(|code| CartDiscountCode {
                code,
                applicable: false,
            })
            .collect()
    }
    /// Gift cards applied to the cart (gift cards are not supported: always empty).
    async fn applied_gift_cards(&self) -> Vec<AppliedGiftCard> {
        Vec::new()
    }
    /// Who is buying.
    async fn buyer_identity(&self, ctx: &Context<'_>) -> async_graphql::Result<CartBuyerIdentity> {
        let identity = cart::BuyerIdentity::of(&self.model);
        let customer = match self.model.customer_id {
            Some(id) => crate::customers::find(context::db(ctx), context::store(ctx), id)
                .await
                .gql()?,
            None => None,
        };
        Ok(CartBuyerIdentity {
            country_code: identity.country_code.map(CountryCode),
            email: identity
                .email
                .or_else(|| customer.as_ref().map(|c| c.email.clone())),
            phone: identity.phone,
            customer: customer.map(crate::graphql::customers::Customer::new),
        })
    }
    /// What the cart costs.
    async fn cost(&self, ctx: &Context<'_>) -> async_graphql::Result<CartCost> {
        let subtotal = Self::subtotal(&self.priced(ctx).await?);
        let money = MoneyV2::in_store_currency(ctx, subtotal);
        Ok(CartCost {
            checkout_charge_amount: money.clone(),
            subtotal_amount: money.clone(),
            subtotal_amount_estimated: false,
            total_amount: money,
            total_amount_estimated: false,
            total_tax_amount: None,
            total_tax_amount_estimated: false,
            total_duty_amount: None,
            total_duty_amount_estimated: false,
        })
    }
    /// The cart's lines, oldest first.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn lines(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
    ) -> async_graphql::Result<Connection<String, BaseCartLine>> {
        let mut priced = self.priced(ctx).await?;
        if reverse.unwrap_or(false) {
            priced.reverse();
        }
        let selection = ctx.look_ahead();
        let variants: Vec<product_variant::Model> =
            priced.iter().map(|(_, variant)| variant.clone()).collect();
        for merchandise in [
            selection.field("edges").field("node").field("merchandise"),
            selection.field("nodes").field("merchandise"),
        ] {
            if merchandise.exists() {
                prefetch::variants(ctx, &variants, &merchandise).await?;
            }
        }
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = page_of_vec(&args, priced).await.gql()?;
        Ok(page.connection(|(line, variant)| BaseCartLine::CartLine(CartLine::new(line, variant))))
    }
    /// When the cart was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    /// When the cart last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }
}

/// A key and value on a cart or line.
#[derive(SimpleObject, Clone)]
pub struct Attribute {
    /// The attribute's key.
    pub key: String,
    /// The attribute's value.
    pub value: Option<String>,
}

pub fn attributes(stored: &serde_json::Value) -> Vec<Attribute> {
    cart::attributes_of(stored)
        .into_iter()
        .map(|a| Attribute {
            key: a.key,
            value: Some(a.value),
        })
        .collect()
}

/// A discount code entered on the cart.
#[derive(SimpleObject)]
pub struct CartDiscountCode {
    /// Whether the code applies to the cart.
    pub applicable: bool,
    /// The code as entered.
    pub code: String,
}

/// A gift card applied to a cart.
#[derive(SimpleObject)]
pub struct AppliedGiftCard {
    /// The amount used.
    pub amount_used: MoneyV2,
    /// The balance left.
    pub balance: MoneyV2,
    /// The gift card's ID.
    pub id: ID,
    /// The last characters of the code.
    pub last_characters: String,
    /// The amount used, in the buyer's currency.
    pub presentment_amount_used: MoneyV2,
}

/// Who is buying.
#[derive(SimpleObject)]
pub struct CartBuyerIdentity {
    /// The buyer's country.
    pub country_code: Option<CountryCode>,
    /// The signed-in customer the cart belongs to.
    pub customer: Option<crate::graphql::customers::Customer>,
    /// The buyer's email address.
    pub email: Option<String>,
    /// The buyer's phone number.
    pub phone: Option<String>,
}

/// What the cart costs. Taxes and duties are not computed: their amounts are null.
#[derive(SimpleObject)]
pub struct CartCost {
    /// What the buyer pays at checkout.
    pub checkout_charge_amount: MoneyV2,
    /// The sum of the lines.
    pub subtotal_amount: MoneyV2,
    /// Whether the subtotal is an estimate.
    pub subtotal_amount_estimated: bool,
    /// The total.
    pub total_amount: MoneyV2,
    /// Whether the total is an estimate.
    pub total_amount_estimated: bool,
    /// Duties (not computed).
    pub total_duty_amount: Option<MoneyV2>,
    /// Whether the duties are an estimate.
    pub total_duty_amount_estimated: bool,
    /// Taxes (not computed).
    pub total_tax_amount: Option<MoneyV2>,
    /// Whether the taxes are an estimate.
    pub total_tax_amount_estimated: bool,
}
