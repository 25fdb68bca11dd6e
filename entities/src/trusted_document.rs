//! A GraphQL document a store trusts: in its trusted-documents mode, anonymous storefront
//! requests run only documents registered here or built into the binary.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "trusted_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    /// Lowercase hex SHA-256 of `document`, as Apollo's clients compute it.
    pub hash: String,
    /// The document's exact text.
    pub document: String,
    /// The names of its operations (a JSON array of strings; anonymous operations are left out).
    pub operation_names: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
