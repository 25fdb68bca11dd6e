//! The `vitrine` binary: parse the command line and hand over to `vitrine::cli`.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    vitrine::cli::run(vitrine::cli::Cli::parse()).await
}
