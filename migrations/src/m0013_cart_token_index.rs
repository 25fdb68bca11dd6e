//! The hosted checkout page finds a cart by its token alone (the token is the link's secret, and
//! the page is reached from any host), so tokens get an index of their own. They are 128 random
//! bits, unique across stores.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("carts", &["token"], true)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("carts_token_key")
                    .table("carts")
                    .to_owned(),
            )
            .await
    }
}
