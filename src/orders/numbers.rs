//! Order numbers (`#1001`, `#1002`, ...), one counter per store, taken like a sequence: in a
//! transaction of their own, before the checkout's, so concurrent checkouts hold the counter row
//! for one statement rather than for their whole transaction (and no checkout holds a connection
//! while it waits for another). A number whose checkout then does not place an order is not
//! reused: numbers may have gaps, never repeats.

use entities::order_counter::{self, Entity as OrderCounters};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbBackend};

use crate::db::Database;
use crate::error::{AppError, Result};
use crate::stores::Store;

/// A store's first order number.
pub const FIRST: i64 = 1001;

/// Takes the store's next order number. Call it holding no connection of the pool: on
/// PostgreSQL it is one statement on a pooled connection (its own transaction); SQLite writes
/// only through the writer's transactions.
pub async fn take(db: &Database, store: &Store) -> Result<i64> {
    if db.backend() != DbBackend::Sqlite {
        return bump(db.reader(), store).await;
    }
    let tx = db.begin().await?;
    let number = bump(&tx, store).await?;
    tx.commit().await?;
    Ok(number)
}

async fn bump(db: &impl ConnectionTrait, store: &Store) -> Result<i64> {
    use order_counter::Column;
    let next = Query::insert()
        .into_table(OrderCounters)
        .columns([Column::StoreId, Column::LastNumber])
        .values_panic([store.id.into(), FIRST.into()])
        .on_conflict(
            OnConflict::column(Column::StoreId)
                .value(
                    Column::LastNumber,
                    Expr::col((OrderCounters, Column::LastNumber)).add(1),
                )
                .to_owned(),
        )
        .returning_col(Column::LastNumber)
        .to_owned();
    let row = db
        .query_one(&next)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the order counter returned nothing")))?;
    Ok(row.try_get("", "last_number")?)
}
