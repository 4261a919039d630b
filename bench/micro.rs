//! Micro-benchmarks of the hot paths, with divan: `cargo bench --bench micro`.
//!
//! They run on the example site at the repository's root, or on the site named by
//! `UNDERSIGNED_BENCH_ROOT` (a corpus from `bench/gen_corpus.py`, say). The statement
//! measured is the site's first; the whole-build figures come from `bench/run.sh`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use divan::{Bencher, black_box};
use undersigned::load::{self, ContentDir, SourceTree};
use undersigned::model::{Corpus, Statement};
use undersigned::render::{self, RenderOptions, Scope, Sink, Theme};

// The allocator of the `undersigned` binary, so the figures are the tool's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// The site the benchmarks read, parsed once.
struct Site {
    tree: SourceTree,
    corpus: Corpus,
    theme: Theme,
    options: RenderOptions,
}

fn site() -> &'static Site {
    static SITE: std::sync::OnceLock<Site> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let root = std::env::var_os("UNDERSIGNED_BENCH_ROOT")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
        let tree = load::load(&root).expect("the site loads");
        let corpus = undersigned::parse::parse(&tree).expect("the site parses");
        let theme = render::load_theme(&tree, &corpus.site).expect("the theme loads");
        let options = RenderOptions { now: jiff::Timestamp::now(), drafts: false, base_url: None, preview: false };
        Site { tree, corpus, theme, options }
    })
}

/// The folder of the first statement, by name.
fn first_dir(site: &Site) -> &ContentDir {
    site.tree.statements.first().expect("the site has a statement")
}

/// The parsed first statement.
fn first_statement(site: &Site) -> &Statement {
    let name = &first_dir(site).name;
    site.corpus.statements.iter().find(|s| s.id == *name).expect("the first statement is valid")
}

/// Front matter, Markdown and the footnote pass of one statement, in every language.
#[divan::bench]
fn parse_statement(bencher: Bencher<'_, '_>) {
    let site = site();
    let dir = first_dir(site);
    bencher.bench(|| {
        let mut diagnostics = Vec::new();
        undersigned::parse::content::parse_statement(dir, &site.corpus.site, &site.corpus.registry, &mut diagnostics)
    });
}

/// Markdown and the footnote pass alone, for one translation's body.
#[divan::bench]
fn markdown(bencher: Bencher<'_, '_>) {
    let dir = first_dir(site());
    let file = dir.texts.iter().find(|f| f.path.extension().is_some_and(|e| e == "md")).expect("a translation");
    let body = file.text.splitn(3, "---\n").nth(2).unwrap_or(&file.text);
    bencher.bench(|| undersigned::markdown::parse_markdown(Path::new("en.md"), black_box(body), 1, "bench"));
}

/// Counts what a render hands over.
#[derive(Default)]
struct Count(AtomicUsize);

impl Sink for Count {
    fn put(&self, _owner: Option<&str>, _path: String, bytes: Vec<u8>) -> Result<(), undersigned::error::Error> {
        self.0.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(())
    }
}

/// One statement's pages in every language, with their data files (CSV, JSON).
#[divan::bench]
fn render_statement(bencher: Bencher<'_, '_>) {
    let site = site();
    let signers = Default::default();
    let scope = Scope::Statement {
        id: &first_statement(site).id,
        signers: &signers,
        years: &BTreeSet::new(),
        tags: &BTreeSet::new(),
        listings: false,
    };
    bencher.bench(|| {
        let sink = Count::default();
        render::render_into(&site.corpus, &site.theme, &site.options, Some(scope), &sink).expect("it renders");
        sink.0.into_inner()
    });
}

/// Every language's three feeds, and the sitemap.
#[divan::bench]
fn feeds(bencher: Bencher<'_, '_>) {
    let site = site();
    bencher.bench(|| {
        let sink = Count::default();
        render::render_into(&site.corpus, &site.theme, &site.options, Some(Scope::Deferred), &sink)
            .expect("it renders");
        sink.0.into_inner()
    });
}

/// Keeps what a render hands over.
#[derive(Default)]
struct Keep(std::sync::Mutex<Vec<(String, Vec<u8>)>>);

impl Sink for Keep {
    fn put(&self, _owner: Option<&str>, path: String, bytes: Vec<u8>) -> Result<(), undersigned::error::Error> {
        if path.ends_with(".html") {
            self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((path, bytes));
        }
        Ok(())
    }
}

/// The link scan of one statement's pages in every language (done to every page a build
/// writes).
#[divan::bench]
fn scan_links(bencher: Bencher<'_, '_>) {
    let site = site();
    let signers = Default::default();
    let scope = Scope::Statement {
        id: &first_statement(site).id,
        signers: &signers,
        years: &BTreeSet::new(),
        tags: &BTreeSet::new(),
        listings: false,
    };
    let sink = Keep::default();
    render::render_into(&site.corpus, &site.theme, &site.options, Some(scope), &sink).expect("it renders");
    let pages = sink.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let links = undersigned::links::LinkScope::of(&site.corpus, &site.options);
    let bytes: usize = pages.iter().map(|(_, p)| p.len()).sum();
    bencher.counter(divan::counter::BytesCount::new(bytes)).bench(|| {
        for (path, page) in &pages {
            black_box(undersigned::links::PageLinks::scan(black_box(page), path, &links, false));
        }
    });
}

/// A card as the default `card.svg` renders it for a three-line title.
const CARD_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
<rect width="1200" height="630" fill="#fdfcf9"/><rect width="24" height="630" fill="#1a4b85"/>
<g font-family="Noto Sans, Noto Sans Arabic" text-anchor="start">
<text x="88" y="112" font-size="32" font-weight="700" fill="#1a4b85">Benchmark Coalition</text>
<g font-size="66" font-weight="700" fill="#1c1c1a">
<text x="88" y="224">Human Rights Defenders</text><text x="88" y="303">Condemn Barriers to</text>
<text x="88" y="382">Asylum in the Darién Gap</text></g>
<rect x="88" y="485" width="1024" height="3" fill="#d9d6cc"/>
<text x="88" y="548" font-size="34" font-weight="700" fill="#1a4b85">Signed by 39 organisations and 4 individuals</text>
<text x="88" y="596" font-size="28" fill="#55554f">11 January 2020</text></g></svg>"##;

/// One share card: its SVG parsed, drawn and encoded as a PNG (after the first, with the
/// glyph masks a build keeps warm; a build of 1,000 statements draws 2,000).
#[divan::bench]
fn share_card(bencher: Bencher<'_, '_>) {
    let fonts = &site().theme.fonts;
    let source = render::card::Source::new("en/statements/x/card.png".into(), CARD_SVG.into(), fonts);
    bencher.bench(|| source.draw(fonts, Path::new("card.svg"), None).expect("the card draws").len());
}
