//! The `vitrine` command line: `serve` (the default), `migrate`, `store create`,
//! `store rotate-webhook-secret`, `documents register`, `cache warm`, `search reindex`,
//! `search check`, `seed --demo`, `reconcile` and `export-schema`. Each command reads the layered settings, then does one thing.

mod search_index;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::config::{Overrides, Settings};
use crate::db::{self, Database};
use crate::startup::{self, Application};
use crate::stores::{self, CreatedStore};
use crate::{cache, documents, graphql, payments, seed, telemetry, webhooks};

const DEMO_DOMAIN: &str = "demo.vitrine.localhost";
const DEMO_TOKENS_FILE: &str = "demo-store.json";

#[derive(Parser, Debug)]
#[command(
    name = "vitrine",
    version,
    about = "Self-hosted, multi-tenant commerce backend"
)]
pub struct Cli {
    /// Settings file (default: ./vitrine.toml, or $VITRINE_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Address to listen on, such as 127.0.0.1:8080.
    #[arg(long, global = true)]
    listen: Option<String>,
    /// Directory of the embedded database (default ./data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Migrate, seed the demo store on an empty embedded database, and serve.
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Manage stores.
    Store {
        #[command(subcommand)]
        action: StoreCommand,
    },
    /// Manage a store's trusted documents.
    Documents {
        #[command(subcommand)]
        action: DocumentsCommand,
    },
    /// Manage the response cache.
    Cache {
        #[command(subcommand)]
        action: CacheCommand,
    },
    /// Rebuild or check the search index.
    Search {
        #[command(subcommand)]
        action: search_index::SearchCommand,
    },
    /// Create the demo store with its catalog.
    Seed {
        /// Required: seed the demo catalog.
        #[arg(long)]
        demo: bool,
        /// The demo store's domain.
        #[arg(long, default_value = DEMO_DOMAIN)]
        domain: String,
    },
    /// Compare payments with the gateway's books once, repair every mismatch, print the report.
    Reconcile {
        /// How far back to look, in hours (default: the `reconcile_lookback_hours` setting).
        #[arg(long)]
        lookback_hours: Option<f64>,
    },
    /// Print the GraphQL schema (SDL).
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum StoreCommand {
    /// Create a store and print its id and tokens.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        domain: String,
        #[arg(long, default_value = "USD")]
        currency: String,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Give a store a new webhook secret and print it; deliveries are signed with it from now on.
    RotateWebhookSecret {
        /// The store's domain.
        #[arg(long)]
        domain: String,
    },
}

#[derive(Subcommand, Debug)]
enum DocumentsCommand {
    /// Trust the GraphQL documents in FILEs for a store and print each one's hash (the
    /// SHA-256 of the file's exact text, which clients may send instead of the text).
    Register {
        /// The store's domain.
        #[arg(long)]
        domain: String,
        /// Files of GraphQL documents, one document per file.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum CacheCommand {
    /// Fill the shared (Redis) response cache with a store's collection and best-selling product
    /// pages, as storefronts ask for them, so a sale starts warm. Needs REDIS_URL: a server
    /// without Redis keeps its cache to itself (use the admin mutation `cacheWarm` there).
    Warm {
        /// The store's domain.
        #[arg(long)]
        domain: String,
        /// The API version storefronts call.
        #[arg(long, default_value = webhooks::API_VERSION)]
        api_version: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let overrides = Overrides {
        config_file: cli.config,
        listen: cli.listen,
        data_dir: cli.data_dir,
    };
    let settings = Settings::load(&overrides)?;
    telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            migrated(&settings).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Store {
            action:
                StoreCommand::Create {
                    name,
                    domain,
                    currency,
                    json,
                },
        } => {
            let db = migrated(&settings).await?;
            let tx = db.begin().await?;
            let created = stores::create_store(&tx, &name, &domain, &currency)
                .await
                .map_err(describe)?;
            tx.commit().await?;
            print_store(&created, json)
        }
        Command::Store {
            action: StoreCommand::RotateWebhookSecret { domain },
        } => {
            let db = migrated(&settings).await?;
            let store = stores::find_store_by_domain(db.reader(), &domain)
                .await
                .map_err(describe)?
                .with_context(|| format!("no store has the domain {domain}"))?;
            let tx = db.begin().await?;
            let secret = webhooks::secrets::rotate(&tx, store.id)
                .await
                .map_err(describe)?;
            tx.commit().await?;
            println!("webhook secret:    {secret}");
            Ok(())
        }
        Command::Documents {
            action: DocumentsCommand::Register { domain, files },
        } => register_documents(&settings, &domain, &files).await,
        Command::Cache {
            action:
                CacheCommand::Warm {
                    domain,
                    api_version,
                },
        } => warm_cache(settings, &domain, &api_version).await,
        Command::Search { action } => {
            let db = migrated(&settings).await?;
            search_index::run(&settings, &db, action).await
        }
        Command::Seed { demo, domain } => {
            anyhow::ensure!(demo, "nothing to seed: pass --demo");
            let db = migrated(&settings).await?;
            let created = seed_demo(&db, &domain).await?;
            print_store(&created, false)
        }
        Command::Reconcile { lookback_hours } => {
            let mut settings = settings;
            if let Some(hours) = lookback_hours {
                settings.reconcile_lookback_hours = hours;
            }
            reconcile(&settings).await
        }
        Command::ExportSchema { output } => {
            let sdl = graphql::sdl();
            match output {
                Some(path) => std::fs::write(&path, sdl)
                    .with_context(|| format!("Failed to write {}", path.display())),
                None => {
                    print!("{sdl}");
                    Ok(())
                }
            }
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(&settings).await?;
    let db = &app.state().db;
    startup::migrate(db).await?;
    let demo_file = settings.data_dir.join(DEMO_TOKENS_FILE);
    let stores = entities::store::Entity::find().count(db.reader()).await?;
    if settings.is_embedded_database() && stores == 0 {
        let created = seed_demo(db, DEMO_DOMAIN).await?;
        let json = serde_json::to_string_pretty(&created)?;
        std::fs::write(&demo_file, json)
            .with_context(|| format!("Failed to write {}", demo_file.display()))?;
    }
    let demo = demo_store(db, &demo_file).await?;
    announce(app.port(), &settings, demo.as_ref(), stores);
    app.run_until_stopped().await
}

/// One reconciliation pass with the configured gateway; prints its report.
async fn reconcile(settings: &Settings) -> anyhow::Result<()> {
    let options = startup::reconcile_options(settings)?;
    let db = migrated(settings).await?;
    let checkout = startup::checkout_for(settings, &db, payments::gateway_from(settings)?)?;
    match payments::reconcile::pass(&checkout, options)
        .await
        .map_err(describe)?
    {
        Some(report) => print!("{report}"),
        None => println!("another instance is reconciling right now; nothing done"),
    }
    Ok(())
}

/// Warms the shared response cache for a store and prints what it did.
async fn warm_cache(mut settings: Settings, domain: &str, api_version: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        settings.redis_url.is_some(),
        "cache warm fills the shared cache, and REDIS_URL is not set; on a server without Redis \
         send the admin mutation cacheWarm instead"
    );
    anyhow::ensure!(
        crate::http::endpoint::is_api_version(api_version),
        "{api_version} is not an API version (YYYY-MM or unstable)"
    );
    settings.listen = "127.0.0.1:0".into();
    let app = Application::build(&settings).await?;
    let store = stores::find_store_by_domain(app.state().db.reader(), domain)
        .await
        .map_err(describe)?
        .with_context(|| format!("no store has the domain {domain}"))?;
    let warmed = app.warm(&store, api_version).await;
    println!(
        "{} pages answered, {} of them newly cached, for {domain} (API {api_version})",
        warmed.pages, warmed.filled
    );
    Ok(())
}

/// Registers each file as one of the store's trusted documents, all or none (a file that does
/// not validate stops the command before anything is stored), and prints their hashes.
async fn register_documents(
    settings: &Settings,
    domain: &str,
    files: &[PathBuf],
) -> anyhow::Result<()> {
    let mut checked = Vec::with_capacity(files.len());
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("Failed to read {}", file.display()))?;
        let document = graphql::documents::check::check(&text)
            .await
            .map_err(|err| describe(err).context(format!("{} was refused", file.display())))?;
        checked.push((file, document));
    }
    let db = migrated(settings).await?;
    let store = stores::find_store_by_domain(db.reader(), domain)
        .await
        .map_err(describe)?
        .with_context(|| format!("no store has the domain {domain}"))?;
    let tx = db.begin().await?;
    let mut registered = Vec::with_capacity(checked.len());
    for (file, document) in &checked {
        let trusted = documents::register(&tx, &store, document)
            .await
            .map_err(describe)?;
        registered.push((file, trusted.hash));
    }
    tx.commit().await?;
    let cache = cache::connect(settings.redis_url.as_deref(), &settings.redis_key_prefix).await?;
    for (file, hash) in registered {
        documents::lookup::forget(&cache, store.id, &hash).await;
        println!("{hash}  {}", file.display());
    }
    Ok(())
}

async fn seed_demo(db: &Database, domain: &str) -> anyhow::Result<CreatedStore> {
    let tx = db.begin().await?;
    let created = seed::seed_demo(&tx, domain).await.map_err(describe)?;
    tx.commit().await?;
    Ok(created)
}

/// The demo store's tokens, if the demo file names a store of *this* database (the file in the
/// data dir belongs to the embedded database; on PostgreSQL it is usually someone else's).
async fn demo_store(db: &Database, demo_file: &Path) -> anyhow::Result<Option<CreatedStore>> {
    let Ok(text) = std::fs::read_to_string(demo_file) else {
        return Ok(None);
    };
    let Ok(demo) = serde_json::from_str::<CreatedStore>(&text) else {
        return Ok(None);
    };
    let here = stores::find_store(db.reader(), demo.store_id)
        .await
        .map_err(describe)?;
    Ok(here
        .filter(|store| store.domain == demo.domain)
        .map(|_| demo))
}

fn announce(port: u16, settings: &Settings, demo: Option<&CreatedStore>, stores: u64) {
    let host = settings
        .listen
        .rsplit_once(':')
        .map_or("127.0.0.1", |(host, _)| host);
    let base = format!("http://{host}:{port}");
    println!("Vitrine is listening on {base}");
    println!("  GraphiQL:        {base}/graphiql");
    println!("  Storefront API:  {base}/api/2025-01/graphql.json");
    match demo {
        Some(demo) => {
            println!("  Demo store:      {} ({})", demo.name, demo.domain);
            println!(
                "    storefront token (X-Shopify-Storefront-Access-Token): {}",
                demo.storefront_token
            );
            println!(
                "    admin token (X-Shopify-Access-Token):                 {}",
                demo.admin_token
            );
        }
        None if stores == 0 => println!(
            "  No store yet: create one with `vitrine store create --name … --domain …` \
             (it prints the tokens)"
        ),
        None => println!(
            "  {stores} store(s); their tokens were printed when they were created \
             (`vitrine store create`)"
        ),
    }
}

async fn migrated(settings: &Settings) -> anyhow::Result<Database> {
    let db = db::connect(settings).await?;
    startup::migrate(&db).await?;
    Ok(db)
}

fn print_store(created: &CreatedStore, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(created)?);
    } else {
        println!("store id:          {}", created.store_id);
        println!("domain:            {}", created.domain);
        println!("storefront token:  {}", created.storefront_token);
        println!("admin token:       {}", created.admin_token);
        println!("webhook secret:    {}", created.webhook_secret);
    }
    Ok(())
}

/// A domain error as a readable CLI error.
fn describe(err: crate::error::AppError) -> anyhow::Error {
    match err {
        crate::error::AppError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}
