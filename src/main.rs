//! The `undersigned` command: parses arguments, makes one call into the library, prints
//! the diagnostics, and picks the exit code (0 success, 1 content errors, 2 usage errors).

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use std::time::Duration;
use undersigned::cli::{Cli, Command, NewCommand, SignatoriesCommand, TranslationsCommand};

use undersigned::error::{Diagnostic, Diagnostics, Error};
use undersigned::serve::{Reporter, ServeOptions};
use undersigned::{BuildOptions, Report};

// `--features system-alloc` leaves the system allocator in place, for heap profilers
// (heaptrack, valgrind) that watch malloc.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let stop = undersigned::write::Stop::new();
    let (verb, result) = match cli.command {
        Command::New { what: NewCommand::Statement { title, root } } => {
            return finish(undersigned::commands::scaffold::new_statement(&root, &title).map(|made| {
                println!("created a draft statement; write it, then set draft: false");
                made.iter().for_each(|p| println!("  {}", p.display()));
            }));
        }
        Command::Init { dir } => {
            return finish(undersigned::commands::scaffold::init(&dir).map(|made| {
                println!("created a new site in {}:", dir.display());
                made.iter().for_each(|p| println!("  {}", p.display()));
                println!("preview it with: undersigned serve --root {}", dir.display());
            }));
        }
        Command::Signatories { command: SignatoriesCommand::Import(args) } => {
            let columns = undersigned::commands::import::Columns {
                name: args.name_column,
                country: args.country_column,
                website: args.website_column,
            };
            let result =
                undersigned::commands::import::import(&args.root, &args.file, &args.statement, &columns, args.dry_run);
            return finish(result.map(|outcome| print_import(&outcome, args.dry_run)));
        }
        Command::Translations(args) => {
            return finish(match args.command {
                Some(TranslationsCommand::Mark { dir, lang }) => {
                    undersigned::commands::translations::mark(&args.root, &dir, &lang).map(|path| {
                        println!("marked {} as translated from the current original", path.display());
                    })
                }
                None => print_translations(&args.root),
            });
        }
        Command::Serve(args) => {
            let options = ServeOptions {
                root: args.root,
                bind: args.bind,
                port: args.port,
                poll: args.poll,
                drafts: args.drafts,
                allow_hosts: args.allow_host,
            };
            return match undersigned::serve::serve(&options, Terminal) {
                Ok(()) => {
                    eprintln!("stopped");
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            };
        }
        Command::Build(args) => {
            let options = match now_arg(args.now.as_deref()) {
                Ok(now) => BuildOptions {
                    root: args.root,
                    output: args.output,
                    base_url: args.base_url,
                    now,
                    drafts: args.drafts,
                    external: None,
                    stop: stop.clone(),
                },
                Err(e) => return report_error(&e),
            };
            remove_staging_on_interrupt(options.stop.clone());
            ("built", undersigned::build(&options))
        }
        Command::Check(args) => {
            let options = match now_arg(args.now.as_deref()) {
                Ok(now) => BuildOptions {
                    root: args.root,
                    now,
                    external: args.external.then_some(undersigned::external::ExternalOptions {
                        concurrency: args.concurrency,
                        timeout: std::time::Duration::from_secs(args.timeout),
                    }),
                    ..BuildOptions::default()
                },
                Err(e) => return report_error(&e),
            };
            ("checked", undersigned::check(&options))
        }
    };
    match result {
        Ok(report) => {
            print_diagnostics(report.warnings.clone().sorted());
            print_summary(verb, &report, started);
            ExitCode::SUCCESS
        }
        // The errors an interrupt causes are not the user's to read: its handler is
        // removing the staging folder and ends the process with status 130.
        Err(_) if stop.stopped() => loop {
            std::thread::park();
        },
        Err(e) => report_error(&e),
    }
}

/// On Ctrl-C or SIGTERM, removes the half-written staging folder before exiting; the
/// previous site is untouched (the swap is atomic, so it is either fully old or fully new).
fn remove_staging_on_interrupt(stop: undersigned::write::Stop) {
    let installed = ctrlc::set_handler(move || {
        if stop.interrupt() {
            eprintln!("interrupted: the previous site is unchanged");
            std::process::exit(130);
        }
        // Otherwise the new site is already in place and the build ends in a moment.
    });
    if let Err(e) = installed {
        eprintln!("warning: cannot watch for Ctrl-C ({e}); an interrupted build may leave a staging folder");
    }
}

/// Exit status for commands that print their own success.
fn finish(result: Result<(), Error>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report_error(&e),
    }
}

fn print_import(outcome: &undersigned::commands::import::Outcome, dry_run: bool) {
    print_diagnostics(outcome.problems.clone());
    let would = if dry_run { "would be " } else { "" };
    for (id, name) in &outcome.added {
        println!("{would}added to signatories.yaml: {id} ({name})");
    }
    for (row, name, id) in &outcome.matched {
        println!("row {row}: {name} is {id}");
    }
    for id in &outcome.joined {
        println!("{would}added to the statement: {id}");
    }
    println!(
        "{} new, {} matched, {} joining the statement{}",
        outcome.added.len(),
        outcome.matched.len(),
        outcome.joined.len(),
        if dry_run { " (dry run: nothing was changed)" } else { "" }
    );
}

fn print_translations(root: &std::path::Path) -> Result<(), Error> {
    use undersigned::commands::translations::{State, report};
    let tree = undersigned::load::load(root)?;
    let corpus = undersigned::parse::parse(&tree).map_err(Error::Content)?;
    for row in report(&corpus) {
        let states: Vec<String> = row
            .states
            .iter()
            .map(|(lang, state)| {
                let word = match state {
                    State::Original => "original",
                    State::UpToDate => "up to date",
                    State::Stale => "STALE: the original changed since it was translated",
                    State::Unmarked => "not marked",
                    State::Missing => "missing",
                };
                format!("{lang}: {word}")
            })
            .collect();
        println!("{}  {}", row.id, states.join("; "));
    }
    Ok(())
}

/// Prints what `serve` does: the address first, then a line per rebuild.
struct Terminal;

impl Reporter for Terminal {
    fn listening(&self, url: &str) {
        println!("serving {url} (Ctrl-C to stop)");
        let _ = std::io::stdout().flush();
    }

    fn built(&self, what: &str, elapsed: Duration, pages: usize, warnings: &Diagnostics) {
        print_diagnostics(warnings.clone().sorted());
        println!("{} {what}: built {pages} pages in {} ms", clock(), elapsed.as_millis());
        let _ = std::io::stdout().flush();
    }

    fn failed(&self, what: &str, elapsed: Duration, errors: &Diagnostics) {
        print_diagnostics(errors.clone().sorted());
        let count = errors.error_count();
        println!(
            "{} {what}: {count} error{} after {} ms; still showing the last good version",
            clock(),
            if count == 1 { "" } else { "s" },
            elapsed.as_millis()
        );
        let _ = std::io::stdout().flush();
    }
}

/// The local time of day, for rebuild lines.
fn clock() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}

fn now_arg(value: Option<&str>) -> Result<Option<jiff::Timestamp>, Error> {
    value
        .map(|v| {
            v.parse::<jiff::Timestamp>().map_err(|e| Error::Usage(format!("--now {v}: not an RFC 3339 instant ({e})")))
        })
        .transpose()
}

fn report_error(error: &Error) -> ExitCode {
    match error {
        Error::Content(diagnostics) => {
            let count = diagnostics.error_count();
            print_diagnostics(diagnostics.clone().sorted());
            eprintln!("error: {count} error{} in the content; nothing was written", if count == 1 { "" } else { "s" });
            ExitCode::from(1)
        }
        Error::Io { .. } => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
        Error::Usage(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn print_diagnostics(diagnostics: Vec<Diagnostic>) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{d}");
    }
}

fn print_summary(verb: &str, report: &Report, started: Instant) {
    let ms = started.elapsed().as_millis();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line =
        format!("{verb} {} in {} in {ms} ms", plural(report.pages, "page"), plural(report.languages, "language"));
    let cards = report.cards;
    if cards.drawn + cards.kept > 0 {
        line.push_str(&format!(
            " ({}: {} drawn, {} kept)",
            plural(cards.drawn + cards.kept, "share card"),
            cards.drawn,
            cards.kept
        ));
    }
    println!("{line}");
}
