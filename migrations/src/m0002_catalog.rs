//! The catalog: products with options, variants, images and tags; collections; menus; pages.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_products(manager).await?;
        create_product_parts(manager).await?;
        create_collections(manager).await?;
        create_content(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "pages",
                "menus",
                "collection_products",
                "collections",
                "product_tags",
                "product_images",
                "product_variants",
                "product_option_values",
                "product_options",
                "products",
            ],
        )
        .await
    }
}

async fn create_products(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut products = tenant_table("products");
    products
        .col(string("handle"))
        .col(string("title"))
        .col(text("description_html").default(""))
        .col(string("vendor").default(""))
        .col(string("product_type").default(""))
        .col(string("status"))
        .col(string_null("seo_title"))
        .col(text_null("seo_description"))
        // Denormalised from the variants so that price sorts and filters stay in SQL.
        .col(big_integer("price_min_minor").default(0))
        .col(big_integer("price_max_minor").default(0))
        .col(big_integer("units_sold").default(0))
        .col(timestamp_with_time_zone_null("published_at"));
    with_timestamps(&mut products);
    create_with_indexes(
        manager,
        products.to_owned(),
        vec![
            index("products", &["store_id", "handle"], true),
            index("products", &["store_id", "status", "created_at"], false),
            index("products", &["store_id", "title"], false),
        ],
    )
    .await?;

    let mut tags = Table::create();
    tags.table("product_tags")
        .col(uuid("store_id"))
        .col(uuid("product_id"))
        .col(string("tag"))
        .col(integer("position"))
        .primary_key(Index::create().col("product_id").col("tag"))
        .foreign_key(&mut owned_by("product_tags", "product_id", "products"));
    create_with_indexes(
        manager,
        tags.to_owned(),
        vec![index("product_tags", &["store_id", "tag"], false)],
    )
    .await
}

async fn create_product_parts(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut options = tenant_table("product_options");
    options
        .col(uuid("product_id"))
        .col(string("name"))
        .col(integer("position"))
        .foreign_key(&mut owned_by("product_options", "product_id", "products"));
    create_with_indexes(
        manager,
        options.to_owned(),
        vec![index(
            "product_options",
            &["store_id", "product_id", "name"],
            true,
        )],
    )
    .await?;

    let mut values = tenant_table("product_option_values");
    values
        .col(uuid("option_id"))
        .col(string("name"))
        .col(integer("position"))
        .foreign_key(&mut owned_by(
            "product_option_values",
            "option_id",
            "product_options",
        ));
    create_with_indexes(
        manager,
        values.to_owned(),
        vec![index(
            "product_option_values",
            &["store_id", "option_id", "name"],
            true,
        )],
    )
    .await?;

    let mut images = tenant_table("product_images");
    images
        .col(uuid("product_id"))
        .col(text("url"))
        .col(string_null("alt_text"))
        .col(integer_null("width"))
        .col(integer_null("height"))
        .col(integer("position"))
        .foreign_key(&mut owned_by("product_images", "product_id", "products"));
    create_with_indexes(
        manager,
        images.to_owned(),
        vec![index(
            "product_images",
            &["store_id", "product_id", "position"],
            false,
        )],
    )
    .await?;

    let mut variants = tenant_table("product_variants");
    variants
        .col(uuid("product_id"))
        .col(string_null("sku"))
        .col(string("title"))
        .col(big_integer("price_minor"))
        .col(big_integer_null("compare_at_minor"))
        .col(integer("position"))
        // Option values by option position; '' where the product has fewer options, so that the
        // unique index below forbids duplicate combinations.
        .col(string("option1").default(""))
        .col(string("option2").default(""))
        .col(string("option3").default(""))
        .col(boolean("requires_shipping").default(true))
        .col(uuid_null("image_id"))
        .check(Expr::col("price_minor").gte(0))
        .foreign_key(&mut owned_by("product_variants", "product_id", "products"));
    with_timestamps(&mut variants);
    create_with_indexes(
        manager,
        variants.to_owned(),
        vec![
            index("product_variants", &["store_id", "sku"], true),
            index(
                "product_variants",
                &["store_id", "product_id", "option1", "option2", "option3"],
                true,
            ),
        ],
    )
    .await
}

async fn create_collections(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut collections = tenant_table("collections");
    collections
        .col(string("handle"))
        .col(string("title"))
        .col(text("description_html").default(""))
        .col(text_null("image_url"))
        .col(string_null("image_alt"))
        .col(string_null("seo_title"))
        .col(text_null("seo_description"));
    with_timestamps(&mut collections);
    create_with_indexes(
        manager,
        collections.to_owned(),
        vec![index("collections", &["store_id", "handle"], true)],
    )
    .await?;

    let mut members = Table::create();
    members
        .table("collection_products")
        .col(uuid("store_id"))
        .col(uuid("collection_id"))
        .col(uuid("product_id"))
        .col(integer("position"))
        .primary_key(Index::create().col("collection_id").col("product_id"))
        .foreign_key(&mut owned_by(
            "collection_products",
            "collection_id",
            "collections",
        ))
        .foreign_key(&mut owned_by(
            "collection_products",
            "product_id",
            "products",
        ));
    create_with_indexes(
        manager,
        members.to_owned(),
        vec![index(
            "collection_products",
            &["store_id", "product_id"],
            false,
        )],
    )
    .await
}

async fn create_content(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut menus = tenant_table("menus");
    menus
        .col(string("handle"))
        .col(string("title"))
        .col(json_binary("items"));
    with_timestamps(&mut menus);
    create_with_indexes(
        manager,
        menus.to_owned(),
        vec![index("menus", &["store_id", "handle"], true)],
    )
    .await?;

    let mut pages = tenant_table("pages");
    pages
        .col(string("handle"))
        .col(string("title"))
        .col(text("body_html").default(""))
        .col(string_null("seo_title"))
        .col(text_null("seo_description"));
    with_timestamps(&mut pages);
    create_with_indexes(
        manager,
        pages.to_owned(),
        vec![index("pages", &["store_id", "handle"], true)],
    )
    .await
}
