//! The `vitrine` binary: parse the command line and hand over to `vitrine::cli`.

use clap::Parser;

/// mimalloc rather than glibc's malloc: a cached read allocates a few dozen small buffers, and
/// glibc's arenas contend for them across the runtime's threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    vitrine::cli::run(vitrine::cli::Cli::parse()).await
}
