//! What every backend must do, one function per behaviour; `main.rs` runs each on every backend.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use search::{
    ContentKind, Filter, FilterGroup, Page, SearchBackend, SearchQuery, SearchResults, SortKey,
    SuggestQuery, UnavailableProducts,
};
use uuid::Uuid;

use crate::catalog::{self, SAMPLES, collection_id, product_id};

/// Two stores with the same catalog, indexed.
pub struct Loaded {
    pub a: Uuid,
    pub b: Uuid,
}

pub async fn load(backend: &dyn SearchBackend) -> Loaded {
    let loaded = Loaded {
        a: Uuid::new_v4(),
        b: Uuid::new_v4(),
    };
    for store in [loaded.a, loaded.b] {
        backend
            .index_products(&catalog::products(store))
            .await
            .unwrap();
        backend
            .index_content(&catalog::content(store))
            .await
            .unwrap();
    }
    loaded
}

pub fn query(store_id: Uuid, text: &str) -> SearchQuery {
    SearchQuery {
        page: Page {
            offset: 0,
            limit: 50,
        },
        ..SearchQuery::new(store_id, text)
    }
}

async fn titles(backend: &dyn SearchBackend, query: &SearchQuery) -> Vec<String> {
    let results = backend.search(query).await.unwrap();
    assert_eq!(
        results.total as usize,
        results.hits.len(),
        "a page that holds everything counts everything"
    );
    results.hits.into_iter().map(|hit| hit.title).collect()
}

fn color(value: &str) -> Filter {
    Filter::VariantOption {
        name: "Color".into(),
        value: value.into(),
    }
}

pub async fn typos_are_forgiven_by_word_length(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let found = titles(backend, &query(store.a, "bleu shrit")).await;
    assert_eq!(
        found.first().map(String::as_str),
        Some("Blue Shirt"),
        "{found:?}"
    );
    let found = titles(backend, &query(store.a, "linnen")).await;
    assert_eq!(found.len(), 2, "one typo in a six-letter word: {found:?}");
    // Three letters allow no typo: "cup" is not "cap".
    assert!(titles(backend, &query(store.a, "cup")).await.is_empty());
    assert_eq!(
        titles(backend, &query(store.a, "cap")).await,
        vec!["Rain Cap"]
    );
}

pub async fn the_last_word_completes_as_a_prefix_when_asked(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut typing = query(store.a, "blue jea");
    typing.prefix = true;
    assert_eq!(titles(backend, &typing).await, vec!["Blue Jeans"]);
    typing.prefix = false;
    assert!(titles(backend, &typing).await.is_empty());
}

pub async fn a_quoted_phrase_matches_as_written(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let words: HashSet<String> = titles(backend, &query(store.a, "blue shirt"))
        .await
        .into_iter()
        .collect();
    assert!(
        words.contains("Blue Shirt") && words.contains("Shirt Dress"),
        "{words:?}"
    );
    let phrase = titles(backend, &query(store.a, "\"blue shirt\"")).await;
    assert_eq!(phrase, vec!["Blue Shirt"]);
}

pub async fn a_minus_word_excludes_what_holds_it(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let found = titles(backend, &query(store.a, "shirt -blue")).await;
    assert!(found.contains(&"Red Shirt".to_string()), "{found:?}");
    for excluded in ["Blue Shirt", "Shirt Dress"] {
        assert!(!found.contains(&excluded.to_string()), "{found:?}");
    }
}

pub async fn facets_count_under_every_other_groups_filters(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut faceted = query(store.a, "");
    faceted.facets = true;
    faceted.filters = vec![color("Blue"), Filter::Vendor("Acme".into())];
    let results = backend.search(&faceted).await.unwrap();
    let titles: Vec<&str> = results.hits.iter().map(|hit| hit.title.as_str()).collect();
    assert_eq!(titles, vec!["Blue Shirt"]);
    // Colors among Acme's products (the color filter itself not applied).
    assert_eq!(
        counts(&results, &FilterGroup::VariantOption("Color".into())),
        vec![("Blue", 1), ("Olive", 1), ("Red", 1), ("White", 1)]
    );
    // Vendors among blue products (the vendor filter not applied).
    assert_eq!(
        counts(&results, &FilterGroup::Vendor),
        vec![("Acme", 1), ("Denimco", 1), ("Maison", 1)]
    );
    // Unfiltered groups count under both filters.
    assert_eq!(
        counts(&results, &FilterGroup::ProductType),
        vec![("Shirts", 1)]
    );
    assert_eq!(
        counts(&results, &FilterGroup::VariantOption("Size".into())),
        vec![("M", 1), ("S", 1)]
    );
    assert_eq!(counts(&results, &FilterGroup::Available), vec![("true", 1)]);
    assert_eq!(results.max_price, Some(2500));

    // Values of one group are alternatives; the price facet spans what the other filters leave.
    faceted.filters = vec![color("Blue"), color("Red")];
    let results = backend.search(&faceted).await.unwrap();
    assert_eq!(results.total, 4);
    assert_eq!(
        counts(&results, &FilterGroup::Available),
        vec![("false", 1), ("true", 3)]
    );
    assert_eq!(results.max_price, Some(8200));
}

fn counts<'a>(results: &'a SearchResults, group: &FilterGroup) -> Vec<(&'a str, u64)> {
    results
        .facets
        .iter()
        .find(|facet| &facet.group == group)
        .map(|facet| {
            facet
                .values
                .iter()
                .map(|value| (value.value.as_str(), value.count))
                .collect()
        })
        .unwrap_or_default()
}

pub async fn price_ranges_hold_their_bounds(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut priced = query(store.a, "");
    priced.sort = SortKey::Price;
    priced.filters = vec![Filter::Price {
        min: Some(2500),
        max: Some(3000),
    }];
    assert_eq!(
        titles(backend, &priced).await,
        vec!["Blue Shirt", "Red Shirt"]
    );
    priced.filters = vec![Filter::Price {
        min: Some(8100),
        max: None,
    }];
    // Any variant in range counts: the dress's white variant costs 82.00.
    assert_eq!(
        titles(backend, &priced).await,
        vec!["Shirt Dress", "Linen Blazer"]
    );
}

pub async fn sort_keys_order_results(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut sorted = query(store.a, "");
    sorted.sort = SortKey::Price;
    let by_price = titles(backend, &sorted).await;
    assert_eq!(by_price.first().map(String::as_str), Some("Wool Socks"));
    assert_eq!(by_price.last().map(String::as_str), Some("Linen Blazer"));
    sorted.reverse = true;
    let mut reversed = titles(backend, &sorted).await;
    reversed.reverse();
    assert_eq!(reversed, by_price);

    sorted.reverse = false;
    sorted.sort = SortKey::BestSelling;
    let best = titles(backend, &sorted).await;
    assert_eq!(&best[..3], ["Organic Tee", "Wool Socks", "Blue Jeans"]);

    sorted.sort = SortKey::Title;
    let mut alphabetical: Vec<String> = SAMPLES.iter().map(|s| s.title.to_string()).collect();
    alphabetical.sort();
    assert_eq!(titles(backend, &sorted).await, alphabetical);

    sorted.sort = SortKey::CreatedAt;
    sorted.reverse = true;
    let newest = titles(backend, &sorted).await;
    assert_eq!(
        newest.first().map(String::as_str),
        SAMPLES.last().map(|s| s.title)
    );
}

pub async fn ranking_is_text_then_stock_then_sales_with_pins_on_top(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    // The title match ranks above description matches, best-selling as the tee is.
    let cotton = titles(backend, &query(store.a, "cotton")).await;
    assert_eq!(
        cotton.first().map(String::as_str),
        Some("Cotton Scarf"),
        "{cotton:?}"
    );
    assert_eq!(cotton.len(), 3);
    // Equal matches: in stock before sold out, though the socks sold more.
    assert_eq!(
        titles(backend, &query(store.a, "wool")).await,
        vec!["Wool Beanie", "Wool Socks"]
    );
    // Equal matches, both in stock: the better seller first.
    assert_eq!(
        titles(backend, &query(store.a, "linen")).await,
        vec!["Linen Blazer", "Linen Trousers"]
    );
    // A pin puts a weaker match on top.
    let mut pinned = catalog::products(store.a);
    let cap = pinned.iter_mut().find(|p| p.title == "Rain Cap").unwrap();
    cap.pin = Some(1);
    backend
        .index_products(std::slice::from_ref(cap))
        .await
        .unwrap();
    let cotton = titles(backend, &query(store.a, "cotton")).await;
    assert_eq!(&cotton[..2], ["Rain Cap", "Cotton Scarf"]);
    // Sold-out products last when asked, hidden when asked.
    let mut last = query(store.a, "blue");
    last.unavailable = UnavailableProducts::Last;
    let blue = titles(backend, &last).await;
    assert_eq!(
        blue.last().map(String::as_str),
        Some("Blue Jeans"),
        "{blue:?}"
    );
    last.unavailable = UnavailableProducts::Hide;
    assert!(
        !titles(backend, &last)
            .await
            .contains(&"Blue Jeans".to_string())
    );
}

pub async fn pages_never_overlap(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    for sort in [
        SortKey::Relevance,
        SortKey::Price,
        SortKey::BestSelling,
        SortKey::Title,
    ] {
        let mut seen: Vec<Uuid> = Vec::new();
        let mut paged = query(store.a, "");
        paged.sort = sort;
        paged.page.limit = 3;
        loop {
            let page = backend.search(&paged).await.unwrap();
            assert_eq!(page.total as usize, SAMPLES.len());
            if page.hits.is_empty() {
                break;
            }
            seen.extend(page.hits.iter().map(|hit| hit.id));
            paged.page.offset += 3;
        }
        let distinct: HashSet<&Uuid> = seen.iter().collect();
        assert_eq!(seen.len(), SAMPLES.len(), "{sort:?}");
        assert_eq!(distinct.len(), SAMPLES.len(), "{sort:?}");
    }
}

/// 1,000 random queries per store return and count only that store's documents.
pub async fn no_query_reaches_another_store(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut random = StdRng::seed_from_u64(23);
    let words = [
        "shirt",
        "blue",
        "bleu",
        "wool",
        "cotton",
        "lin",
        "cap",
        "-blue",
        "\"blue shirt\"",
        "",
        "summer",
        "acme",
        "sku",
        "dress",
        "jea",
    ];
    let colors = ["Blue", "Red", "Grey", "Sand", "White"];
    for own in [store.a, store.b] {
        let other = if own == store.a { store.b } else { store.a };
        let foreign: HashSet<Uuid> = SAMPLES.iter().map(|s| product_id(other, s.title)).collect();
        for _ in 0..1_000 {
            let mut random_query = query(own, words.choose(&mut random).unwrap());
            random_query.prefix = random.random();
            random_query.facets = random.random_bool(0.3);
            if random.random_bool(0.5) {
                random_query
                    .filters
                    .push(color(colors.choose(&mut random).unwrap()));
            }
            random_query.sort = *[SortKey::Relevance, SortKey::Price, SortKey::Title]
                .choose(&mut random)
                .unwrap();
            let results = backend.search(&random_query).await.unwrap();
            assert!(results.total as usize <= SAMPLES.len());
            for hit in &results.hits {
                assert!(!foreign.contains(&hit.id), "{random_query:?} found {hit:?}");
            }
            for facet in &results.facets {
                for value in &facet.values {
                    assert!(value.count as usize <= SAMPLES.len(), "{facet:?}");
                }
            }
        }
    }
}

pub async fn deleted_documents_are_gone_and_only_from_their_store(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let scarf_a = product_id(store.a, "Cotton Scarf");
    // Another store naming this id deletes nothing.
    backend.delete(store.b, &[scarf_a]).await.unwrap();
    assert_eq!(
        titles(backend, &query(store.a, "scarf")).await,
        vec!["Cotton Scarf"]
    );
    backend.delete(store.a, &[scarf_a]).await.unwrap();
    assert!(titles(backend, &query(store.a, "scarf")).await.is_empty());
    assert_eq!(
        titles(backend, &query(store.b, "scarf")).await,
        vec!["Cotton Scarf"]
    );
    // Deleting again is harmless.
    backend.delete(store.a, &[scarf_a]).await.unwrap();
}

pub async fn indexing_again_replaces(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut products = catalog::products(store.a);
    products[0].title = "Azure Shirt".into();
    products[0].handle = "azure-shirt".into();
    backend.index_products(&products).await.unwrap();
    backend.index_products(&products).await.unwrap();
    assert_eq!(
        backend.search(&query(store.a, "")).await.unwrap().total as usize,
        SAMPLES.len()
    );
    assert_eq!(
        titles(backend, &query(store.a, "azure")).await,
        vec!["Azure Shirt"]
    );
    assert!(
        titles(backend, &query(store.a, "\"blue shirt\""))
            .await
            .is_empty()
    );
}

/// A product is found by the synonyms indexed with it, with typos forgiven as for any word, in
/// its store only.
pub async fn synonyms_find_a_product_by_its_other_names(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut jeans = catalog::products(store.a)
        .into_iter()
        .find(|product| product.title == "Blue Jeans")
        .unwrap();
    assert!(
        titles(backend, &query(store.a, "dungarees"))
            .await
            .is_empty()
    );
    jeans.synonyms = vec!["dungarees".into(), "trousers".into()];
    backend.index_products(&[jeans]).await.unwrap();
    assert_eq!(
        titles(backend, &query(store.a, "dungarees")).await,
        ["Blue Jeans"]
    );
    assert_eq!(
        titles(backend, &query(store.a, "dungarres")).await,
        ["Blue Jeans"]
    );
    assert_eq!(
        titles(backend, &query(store.a, "blue trousers")).await,
        ["Blue Jeans"]
    );
    assert!(
        titles(backend, &query(store.b, "dungarees"))
            .await
            .is_empty()
    );
}

pub async fn suggestions_complete_what_is_typed(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let suggest = SuggestQuery {
        store_id: store.a,
        text: "shi".into(),
        limit: 5,
        products: true,
        content: vec![
            ContentKind::Collection,
            ContentKind::Page,
            ContentKind::Article,
        ],
        queries: true,
        unavailable: UnavailableProducts::Show,
    };
    let suggestions = backend.suggest(&suggest).await.unwrap();
    let products: Vec<&str> = suggestions
        .products
        .iter()
        .map(|h| h.title.as_str())
        .collect();
    assert!(
        products.contains(&"Blue Shirt") && products.contains(&"Red Shirt"),
        "{products:?}"
    );
    let queries: Vec<&str> = suggestions
        .queries
        .iter()
        .map(|q| q.text.as_str())
        .collect();
    assert!(queries.contains(&"shirt"), "{queries:?}");
    let content: Vec<(ContentKind, &str)> = suggestions
        .content
        .iter()
        .map(|(kind, hit)| (*kind, hit.title.as_str()))
        .collect();
    assert!(
        content.contains(&(ContentKind::Collection, "Shirts and tops")),
        "{content:?}"
    );
    assert!(
        content.contains(&(ContentKind::Page, "Shipping")),
        "{content:?}"
    );
    assert!(
        !content
            .iter()
            .any(|(kind, _)| *kind == ContentKind::Article)
    );
}

pub async fn digests_show_what_is_indexed(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut expected: Vec<(Uuid, String)> = catalog::products(store.a)
        .iter()
        .map(|p| (p.id, p.digest()))
        .chain(catalog::content(store.a).iter().map(|c| (c.id, c.digest())))
        .collect();
    let mut indexed = backend.digests(store.a).await.unwrap();
    expected.sort();
    indexed.sort();
    assert_eq!(indexed, expected);
}

pub async fn a_collection_lists_only_its_products(backend: &dyn SearchBackend) {
    let store = load(backend).await;
    let mut listing = query(store.a, "");
    listing.collection = Some(collection_id(store.a, "Shirts"));
    listing.sort = SortKey::Title;
    listing.facets = true;
    let results = backend.search(&listing).await.unwrap();
    let titles: Vec<&str> = results.hits.iter().map(|hit| hit.title.as_str()).collect();
    assert_eq!(titles, vec!["Blue Shirt", "Organic Tee", "Red Shirt"]);
    assert_eq!(counts(&results, &FilterGroup::Vendor), vec![("Acme", 3)]);
    listing.text = "shirt".into();
    listing.collection = Some(collection_id(store.b, "Shirts"));
    assert!(backend.search(&listing).await.unwrap().hits.is_empty());
}

pub async fn the_watermark_is_kept_across_writes(backend: &dyn SearchBackend) {
    let millis = rand::random::<u32>() as i64;
    backend.set_watermark(millis).await.unwrap();
    load(backend).await;
    assert_eq!(backend.watermark().await.unwrap(), Some(millis));
}
