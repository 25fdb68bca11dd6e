//! The built binary on its embedded defaults: no database URL, no Redis, nothing configured.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long the binary may take to print its demo tokens.
const STARTUP: Duration = Duration::from_secs(30);

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_the_demo_store_with_no_configuration() {
    let data_dir =
        std::env::temp_dir().join(format!("vitrine-smoke-{}", uuid::Uuid::now_v7().simple()));
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("VITRINE_CONFIG")
        .env_remove("STRIPE_SECRET_KEY")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the vitrine binary");
    let stdout = child.stdout.take().expect("stdout");
    let _server = Server(child);
    // Lines are read on a thread, so a server that never prints fails the test instead of
    // hanging it.
    let (lines, printed) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + STARTUP;
    let mut address = None;
    let mut token = None;
    while token.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = printed
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no demo token printed within {STARTUP:?}"));
        if let Some(rest) = line.strip_prefix("Vitrine is listening on ") {
            address = Some(rest.trim().to_string());
        }
        if let Some((_, value)) = line.split_once("(X-Shopify-Storefront-Access-Token): ") {
            token = Some(value.trim().to_string());
        }
    }
    let (address, token) = (
        address.expect("listening line"),
        token.expect("demo token line"),
    );

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let query = json!({ "query": "{ shop { name } products(first: 60) { nodes { handle } } collections(first: 10) { nodes { handle } } menu(handle: \"main-menu\") { items { title } } pages(first: 5) { nodes { handle } } }" });
    let deadline = Instant::now() + Duration::from_secs(10);
    let body: Value = loop {
        let response = client
            .post(format!("{address}/api/2025-01/graphql.json"))
            .header("X-Shopify-Storefront-Access-Token", &token)
            .json(&query)
            .send()
            .await;
        match response {
            Ok(response) => break response.json().await.expect("JSON body"),
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            Err(err) => panic!("the server never answered: {err}"),
        }
    };
    println!(
        "embedded default: first answer {:?} after start (including migrating and seeding)",
        started.elapsed()
    );

    assert_eq!(body["data"]["shop"]["name"], "Vitrine Demo", "{body}");
    let products = body["data"]["products"]["nodes"].as_array().unwrap().len();
    assert!(
        (45..=60).contains(&products),
        "about 50 demo products, got {products}"
    );
    assert!(
        body["data"]["collections"]["nodes"]
            .as_array()
            .unwrap()
            .len()
            >= 4
    );
    assert!(!body["data"]["menu"]["items"].as_array().unwrap().is_empty());
    assert_eq!(body["data"]["pages"]["nodes"].as_array().unwrap().len(), 2);
    assert!(
        data_dir.join("vitrine.db").exists(),
        "the SQLite database lives in the data dir"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
}
