//! The `cart` query and the cart mutations. Each mutation decodes its input, runs one cart edit
//! in one transaction (`context::write`) and answers with the payload of its kind.

use async_graphql::{Context, ID, Object};

use super::inputs::{
    self, AttributeInput, CartBuyerIdentityInput, CartInput, CartLineInput, CartLineUpdateInput,
};
use super::outcome::{
    CartAttributesUpdatePayload, CartBuyerIdentityUpdatePayload, CartCreatePayload,
    CartDiscountCodesUpdatePayload, CartLinesAddPayload, CartLinesRemovePayload,
    CartLinesUpdatePayload, CartNoteUpdatePayload, Outcome,
};
use super::view::{Cart, token_of};
use crate::cart::{edit, read};
use crate::error::{AppError, InputErrorCode, Result};
use crate::graphql::context;
use crate::graphql::errors::GqlResult;

#[derive(Default)]
pub struct CartQuery;

#[Object]
impl CartQuery {
    /// A cart by ID; null for an unknown, expired or completed cart.
    async fn cart(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Cart>> {
        let Some(token) = token_of(&id) else {
            return Ok(None);
        };
        let found = read::find_open(context::db(ctx), context::store(ctx), token)
            .await
            .gql()?;
        Ok(found.map(Cart::new))
    }
}

#[derive(Default)]
pub struct CartMutation;

/// The token of a cart ID; an ID no cart could have is the same error as an unknown cart.
fn token(id: &ID) -> Result<&str> {
    token_of(id).ok_or_else(|| {
        AppError::invalid(
            &["cartId"],
            InputErrorCode::Invalid,
            "the specified cart does not exist",
        )
    })
}

#[Object]
impl CartMutation {
    /// Creates a cart, optionally with lines (which reserve their stock), a buyer, attributes, a
    /// note and discount codes.
    async fn cart_create(
        &self,
        ctx: &Context<'_>,
        input: Option<CartInput>,
    ) -> async_graphql::Result<CartCreatePayload> {
        let store = context::store(ctx);
        let result = context::write(ctx, async |tx| {
            let input = inputs::new_cart(tx, store, input.unwrap_or_default()).await?;
            edit::create(tx, store, input).await
        })
        .await;
        Ok(Outcome::of(result)?.into())
    }

    /// Adds lines, reserving their stock; short stock clamps them, with a warning.
    async fn cart_lines_add(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        lines: Vec<CartLineInput>,
    ) -> async_graphql::Result<CartLinesAddPayload> {
        let store = context::store(ctx);
        let result = context::write(ctx, async |tx| {
            let lines = inputs::new_lines(lines, &["lines"])?;
            edit::add_lines(tx, store, token(&cart_id)?, lines).await
        })
        .await;
        Ok(Outcome::of(result)?.into())
    }

    /// Changes lines; growing one reserves more stock, shrinking or removing one releases it.
    async fn cart_lines_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        lines: Vec<CartLineUpdateInput>,
    ) -> async_graphql::Result<CartLinesUpdatePayload> {
        let store = context::store(ctx);
        let result = context::write(ctx, async |tx| {
            let changes = inputs::line_changes(lines)?;
            edit::update_lines(tx, store, token(&cart_id)?, changes).await
        })
        .await;
        Ok(Outcome::of(result)?.into())
    }

    /// Removes lines, releasing their stock.
    async fn cart_lines_remove(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        line_ids: Vec<ID>,
    ) -> async_graphql::Result<CartLinesRemovePayload> {
        let store = context::store(ctx);
        let result = context::write(ctx, async |tx| {
            let ids = line_ids
                .iter()
                .enumerate()
                .map(|(index, id)| inputs::line_id(id, &["lineIds", &index.to_string()]))
                .collect::<Result<Vec<_>>>()?;
            edit::remove_lines(tx, store, token(&cart_id)?, &ids).await
        })
        .await;
        Ok(Outcome::of(result)?.into())
    }

    /// Replaces the note.
    async fn cart_note_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        note: String,
    ) -> async_graphql::Result<CartNoteUpdatePayload> {
        let store = context::store(ctx);
        let result = context::write(ctx, async |tx| {
            edit::set_note(tx, store, token(&cart_id)?, note).await
        })
        .await;
        Ok(Outcome::of(result)?.into())
    }

    /// Replaces the attributes.
    async fn cart_attributes_update(
        &self,
        ctx: &Context<'_>,
        attributes: Vec<AttributeInput>,
        cart_id: ID,
    ) -> async_graphql::Result<CartAttributesUpdatePayload> {
        let store = context::store(ctx);
        let result = context::write(ctx, async |tx| {
            let attributes = inputs::attributes(Some(attributes)).unwrap_or_default();
            edit::set_attributes(tx, store, token(&cart_id)?, attributes).await
        })
        .await;
        Ok(Outcome::of(result)?.into())
    }

    /// Updates who is buying; a customer access token makes the cart the customer's and merges
    /// their other open cart into it.
    async fn cart_buyer_identity_update(
        &self,
        ctx: &Context<'_>,
        buyer_identity: CartBuyerIdentityInput,
        cart_id: ID,
    ) -> async_graphql::Result<CartBuyerIdentityUpdatePayload> {
        let store = context::store(ctx);
        let result = context::write(ctx, async |tx| {
            let token = token(&cart_id)?;
            let identity =
                inputs::buyer_identity(tx, store, buyer_identity, &["buyerIdentity"]).await?;
            edit::set_buyer_identity(tx, store, token, identity).await
        })
        .await;
        Ok(Outcome::of(result)?.into())
    }

    /// Replaces the discount codes; codes that do not apply are kept and shown as not applicable.
    async fn cart_discount_codes_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        discount_codes: Vec<String>,
    ) -> async_graphql::Result<CartDiscountCodesUpdatePayload> {
        let store = context::store(ctx);
        let result = context::write(ctx, async |tx| {
            edit::set_discount_codes(tx, store, token(&cart_id)?, &discount_codes).await
        })
        .await;
        Ok(Outcome::of(result)?.into())
    }
}
