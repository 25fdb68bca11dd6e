//! The completer's payment follow-ups (RELIABILITY.md T13): an authorization about to lapse is
//! captured if its order stands, voided if its order was cancelled, and nothing is ever captured
//! beyond what was authorized.

use std::time::{Duration, Instant};

use entities::{order, payment, prelude::*};
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{capture_on_fulfilment, placed_order};
use crate::checkout::{order_uuid, payments_of};
use crate::helpers::{Backend, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(authorizations_about_to_lapse_are_captured_or_voided,);

const ORDERS: usize = 40;

async fn authorizations_about_to_lapse_are_captured_or_voided(backend: Backend) {
    let app = spawn_app_on(backend).await;
    capture_on_fulfilment(&app).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(13);
    let mut placed = Vec::new();
    for _ in 0..ORDERS {
        let (order, _) = placed_order(&app, 5, rng.random_range(1..=3)).await;
        let id = order_uuid(order["id"].as_str().unwrap());
        // Some orders were cancelled by a server that died before voiding their payment.
        let cancelled = rng.random_bool(0.4);
        if cancelled {
            Order::update_many()
                .col_expr(order::Column::Status, Expr::value("cancelled"))
                .filter(order::Column::Id.eq(id))
                .exec(app.db())
                .await
                .unwrap();
        }
        placed.push((id, cancelled));
    }
    // Six days and a half later: every authorization lapses within the day.
    Payment::update_many()
        .col_expr(
            payment::Column::AuthorizationExpiresAt,
            Expr::value(chrono::Utc::now() + chrono::Duration::hours(12)),
        )
        .filter(payment::Column::StoreId.eq(app.store.store_id))
        .exec(app.db())
        .await
        .unwrap();

    let started = Instant::now();
    loop {
        let mut settled = 0;
        for (id, _) in &placed {
            let status = payments_of(&app, *id).await[0].status.clone();
            if status != "authorized" {
                settled += 1;
            }
        }
        if settled == placed.len() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{settled} of {} settled",
            placed.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (id, cancelled) in placed {
        let payment = &payments_of(&app, id).await[0];
        let reference = payment.gateway_reference.as_deref().unwrap();
        let at_gateway = app.gateway.recorded_of(reference).unwrap().authorization;
        if cancelled {
            assert_eq!(payment.status, "voided");
            assert_eq!(app.gateway.captures_of(reference), 0);
        } else {
            assert_eq!(payment.status, "captured");
            assert_eq!(payment.captured_minor, payment.amount_minor);
            assert_eq!(app.gateway.captures_of(reference), 1);
        }
        assert!(at_gateway.captured_minor <= at_gateway.amount_minor);
        assert_eq!(at_gateway.captured_minor, payment.captured_minor);
    }
}
