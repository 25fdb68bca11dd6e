//! `schema.graphql` is the schema the code builds; regenerate it with
//! `cargo run -- export-schema --output schema.graphql`.

#[test]
fn the_committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql");
    let current = vitrine::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is out of date: run `cargo run -- export-schema --output schema.graphql`"
    );
}
