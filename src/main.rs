//! The `undersigned` command: parses arguments, makes one call into the library, prints
//! the diagnostics, and picks the exit code (0 success, 1 content errors, 2 usage errors).

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use undersigned::cli::{Cli, Command};
use undersigned::error::{Diagnostic, Error};
use undersigned::{BuildOptions, Report};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let (verb, result) = match cli.command {
        Command::Build(args) => {
            let options = match now_arg(args.now.as_deref()) {
                Ok(now) => BuildOptions {
                    root: args.root,
                    output: args.output,
                    base_url: args.base_url,
                    now,
                    drafts: args.drafts,
                },
                Err(e) => return report_error(&e),
            };
            ("built", undersigned::build(&options))
        }
        Command::Check(args) => {
            let options = match now_arg(args.now.as_deref()) {
                Ok(now) => BuildOptions { root: args.root, now, ..BuildOptions::default() },
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
        Err(e) => report_error(&e),
    }
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
    let line =
        format!("{verb} {} in {} in {ms} ms", plural(report.pages, "page"), plural(report.languages, "language"));
    println!("{line}");
}
