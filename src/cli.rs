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
    /// Build the site into the output folder (by default ROOT/public).
    Build(BuildArgs),
    /// Check everything a build checks, and write nothing.
    Check(CheckArgs),
    /// Preview the site with live reload while you edit.
    Serve(ServeArgs),
    /// Create a statement folder with statement.yaml and one file per language.
    New {
        /// What to create.
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Create a new site, with an example statement, that builds at once.
    Init {
        /// The folder to create (new or empty).
        dir: PathBuf,
    },
    /// Work with the signatory registry.
    Signatories {
        /// What to do.
        #[command(subcommand)]
        command: SignatoriesCommand,
    },
    /// List the state of every translation, or mark one as made from the current original.
    Translations(TranslationsArgs),
}

/// `undersigned new …`.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A new statement (a draft until you set `draft: false`).
    Statement {
        /// Its title; the folder name is made from it.
        title: String,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// `undersigned signatories …`.
#[derive(Debug, Subcommand)]
pub enum SignatoriesCommand {
    /// Merge the CSV export of a sign-on form into signatories.yaml and a statement.
    Import(ImportArgs),
}

/// `undersigned signatories import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8; a BOM and CRLF line ends are fine).
    pub file: PathBuf,
    /// The statement folder the signers join (content/statements/NAME).
    #[arg(long, value_name = "DIR")]
    pub statement: PathBuf,
    /// Show what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Header of the column with the organisation's name (default: usual English and Spanish names).
    #[arg(long, value_name = "HEADER")]
    pub name_column: Option<String>,
    /// Header of the country column.
    #[arg(long, value_name = "HEADER")]
    pub country_column: Option<String>,
    /// Header of the website column.
    #[arg(long, value_name = "HEADER")]
    pub website_column: Option<String>,
}

/// `undersigned translations [mark DIR LANG]`.
#[derive(Debug, Args)]
pub struct TranslationsArgs {
    /// `mark`, to record that a translation follows the current original.
    #[command(subcommand)]
    pub command: Option<TranslationsCommand>,
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// `undersigned translations mark`.
#[derive(Debug, Subcommand)]
pub enum TranslationsCommand {
    /// Mark DIR's LANG file as translated from the original's current text.
    Mark {
        /// The statement folder.
        dir: PathBuf,
        /// The translation's language.
        lang: String,
    },
}

/// `undersigned build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (default: ROOT/public).
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
    /// Also answer requests for this host name (a LAN name, a tunnel); repeatable. Only
    /// localhost, 127.0.0.1, ::1 and the --bind address are answered otherwise.
    #[arg(long, value_name = "NAME", value_parser = host_name)]
    pub allow_host: Vec<String>,
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

/// An `--allow-host` value: a host name alone, without scheme, port or path.
fn host_name(value: &str) -> Result<String, String> {
    let valid =
        !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    if valid {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "`{value}` is not a host name (write it alone, as in `preview.example.org`, without port or scheme)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn an_allowed_host_is_a_bare_name() {
        assert!(Cli::try_parse_from(["undersigned", "serve", "--allow-host", "preview.example.org"]).is_ok());
        for bad in ["preview.example.org:1111", "http://preview.example.org", "", "a b"] {
            assert!(Cli::try_parse_from(["undersigned", "serve", "--allow-host", bad]).is_err(), "{bad}");
        }
    }
}
