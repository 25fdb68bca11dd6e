//! The search conformance suite: every behaviour in `suite`, run on every backend. Tantivy runs
//! always; Meilisearch needs a server at `MEILI_URL` (with `MEILI_KEY`, its master key), so its
//! tests are marked ignored and `.ci/run` runs them with `--ignored` when `MEILI_URL` is set.

mod catalog;
mod rebuild;
mod suite;
mod tenant_tokens;

macro_rules! conformance {
    ($backend:ident : $($name:ident),* $(,)?) => {
        mod $backend {
            $(
                #[tokio::test]
                async fn $name() {
                    let backend = super::$backend().await;
                    crate::suite::$name(&backend).await;
                }
            )*
        }
    };
    ($backend:ident ignored $reason:literal : $($name:ident),* $(,)?) => {
        mod $backend {
            $(
                #[tokio::test]
                #[ignore = $reason]
                async fn $name() {
                    let backend = super::$backend().await;
                    crate::suite::$name(&backend).await;
                }
            )*
        }
    };
}

async fn tantivy() -> search::tantivy::TantivyBackend {
    search::tantivy::TantivyBackend::in_memory().unwrap()
}

/// The server at `MEILI_URL`, with `MEILI_KEY` as its master key when set.
pub async fn meilisearch() -> search::meilisearch::MeilisearchBackend {
    let url = std::env::var("MEILI_URL").expect("MEILI_URL names the Meilisearch server to test");
    let key = std::env::var("MEILI_KEY").ok();
    search::meilisearch::MeilisearchBackend::connect(&url, key.as_deref(), "conformance")
        .await
        .unwrap()
}

macro_rules! every_behaviour {
    ($backend:ident $(ignored $reason:literal)?) => {
        conformance!($backend $(ignored $reason)? :
            typos_are_forgiven_by_word_length,
            the_last_word_completes_as_a_prefix_when_asked,
            a_quoted_phrase_matches_as_written,
            a_minus_word_excludes_what_holds_it,
            facets_count_under_every_other_groups_filters,
            price_ranges_hold_their_bounds,
            sort_keys_order_results,
            ranking_is_text_then_stock_then_sales_with_pins_on_top,
            pages_never_overlap,
            no_query_reaches_another_store,
            deleted_documents_are_gone_and_only_from_their_store,
            indexing_again_replaces,
            suggestions_complete_what_is_typed,
            synonyms_find_a_product_by_its_other_names,
            digests_show_what_is_indexed,
            a_collection_lists_only_its_products,
            the_watermark_is_kept_across_writes,
        );
    };
}

every_behaviour!(tantivy);
every_behaviour!(meilisearch ignored "needs a Meilisearch server at MEILI_URL");
