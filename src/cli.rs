//! The command line, as clap derive types only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A static site generator for coalitions that publish joint statements.
#[derive(Debug, Parser)]
#[command(name = "undersigned", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (by default <root>/public).
    Build(BuildArgs),
    /// Check everything a build checks, and write nothing.
    Check(CheckArgs),
    /// Preview the site with live reload while you edit.
    Serve(ServeArgs),
}

/// `undersigned build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (default: <root>/public).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Publish under another address than site.yaml's base_url.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Build as if it were this instant (RFC 3339), e.g. to see an embargo lift.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Publish drafts too.
    #[arg(long)]
    pub drafts: bool,
}

/// `undersigned serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on; the next free one is used if it is taken (0: any free port).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Scan for changes every 300 ms instead of using file system events (network drives,
    /// containers).
    #[arg(long)]
    pub poll: bool,
    /// Show drafts too (embargoed statements are always shown, with a banner).
    #[arg(long)]
    pub drafts: bool,
}

/// `undersigned check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Check as if it were this instant (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Also fetch every link to another site and report the broken ones.
    #[arg(long)]
    pub external: bool,
    /// With --external: how many requests at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// With --external: seconds allowed for one link.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub timeout: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
